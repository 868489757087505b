import { afterAll, expect, it } from 'vitest';
import { answerCommandStage } from '../../../../src/bot/worker/stages/answer-command.js';
import { stageEnv, textMessage } from '../../../support/stage-context.js';

const env = stageEnv('command');
afterAll(() => env.close());

it('applies the command, answers it as the bot and ends the job', async () => {
  await env.settings.put('t-cmd', {});
  const { ctx, poster } = env.context({ threadId: 't-cmd', message: textMessage('/parley languages es') });
  ctx.message = textMessage('/parley languages es');
  ctx.command = { kind: 'languages', languages: ['es'] };
  expect(await answerCommandStage.run(ctx)).toEqual({ outcome: 'command: languages' });
  expect((await env.settings.get('t-cmd'))?.languages).toEqual(['es']);
  expect(poster.replies[0]?.post.metadata).toMatchObject({ parleyKind: 'reply', parleySourceId: '1000' });
});

it('lets a message that is no command go on', async () => {
  const { ctx } = env.context({ message: textMessage('hello') });
  expect(await answerCommandStage.run(ctx)).toBeUndefined();
});
