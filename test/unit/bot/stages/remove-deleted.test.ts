import { afterAll, expect, it } from 'vitest';
import { removeDeletedStage } from '../../../../src/bot/worker/stages/remove-deleted.js';
import { stageEnv, textMessage } from '../../../support/stage-context.js';

const env = stageEnv('remove');
afterAll(() => env.close());

it('a deleted original takes the bot post away for good and ends the job', async () => {
  const { ctx, poster } = env.context({ kind: 'deleted' });
  expect(await removeDeletedStage.run(ctx)).toEqual({ outcome: 'deleted bot post' });
  expect(poster.removals).toEqual([{ threadId: 'thread-1', forever: true }]);
});

it('lets a received or edited message go on', async () => {
  const { ctx, poster } = env.context({ kind: 'edited', message: textMessage('hi') });
  expect(await removeDeletedStage.run(ctx)).toBeUndefined();
  expect(poster.removals).toEqual([]);
});
