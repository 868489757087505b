import { afterAll, expect, it } from 'vitest';
import { composeStage } from '../../../../src/bot/worker/stages/compose.js';
import { stageEnv } from '../../../support/stage-context.js';

const env = stageEnv('compose');
afterAll(() => env.close());

it('composes one post with the translations only; what was not translated is in metadata and counted', async () => {
  const { ctx, stats } = env.context({});
  Object.assign(ctx, {
    format: 'text',
    translations: { es: 'hola' },
    states: { es: 'ready', xx: 'skipped:no-engine-pair' },
    untranslated: { xx: 'no Apertium pair installed for en→xx' },
  });
  expect(await composeStage.run(ctx)).toBeUndefined();
  expect(ctx.post?.content).toBe('[es] hola');
  expect(ctx.post?.metadata).toMatchObject({
    parleyLanguages: 'es',
    parleyUntranslated: 'xx',
    parleyStates: '{"es":"ready","xx":"skipped:no-engine-pair"}',
    parleySourceId: '1000',
  });
  expect(stats.counts).toMatchObject({ untranslated: 1, languagesSkipped: 1, languagesFailed: 0 });
});

it('makes a state-only post when no language could be translated: no diagnostics, the reason in metadata', async () => {
  const { ctx } = env.context({});
  Object.assign(ctx, { format: 'text', targets: ['de'], states: { de: 'skipped:no-engine-pair' }, untranslated: { de: 'no Apertium pair installed for en→de' } });
  expect(await composeStage.run(ctx)).toBeUndefined();
  expect(ctx.post?.content).toBe('[de] (no translation)');
  expect(ctx.post?.metadata).toMatchObject({ parleyKind: 'translation', parleyUntranslated: 'de', parleyStates: '{"de":"skipped:no-engine-pair"}' });
  expect(ctx.post?.metadata.parleyLanguages).toBeUndefined();
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
