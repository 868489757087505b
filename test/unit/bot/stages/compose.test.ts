import { afterAll, expect, it } from 'vitest';
import { composeStage } from '../../../../src/bot/worker/stages/compose.js';
import { stageEnv } from '../../../support/stage-context.js';

const env = stageEnv('compose');
afterAll(() => env.close());

it('composes one post with the translations and the untranslated languages', async () => {
  const { ctx } = env.context({});
  Object.assign(ctx, { format: 'text', translations: { es: 'hola' }, untranslated: { xx: 'unsupported pair' } });
  expect(await composeStage.run(ctx)).toBeUndefined();
  expect(ctx.post?.content).toBe('[es] hola\n[xx] (not translated: unsupported pair)');
  expect(ctx.post?.metadata).toMatchObject({ parleyLanguages: 'es', parleyUntranslated: 'xx', parleySourceId: '1000' });
});

it('with nothing to post, ends the job; an edit takes the old post away', async () => {
  const received = env.context({});
  received.ctx.format = 'text';
  expect(await composeStage.run(received.ctx)).toMatchObject({ outcome: 'skipped: nothing to translate' });
  expect(received.poster.removals).toEqual([]);

  const edited = env.context({ kind: 'edited' });
  Object.assign(edited.ctx, { format: 'text', targets: ['es'] });
  expect(await composeStage.run(edited.ctx)).toMatchObject({ outcome: 'analysed, not posted' });
  expect(edited.poster.removals).toEqual([{ threadId: 'thread-1', forever: false }]);
});
