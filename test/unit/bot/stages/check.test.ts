import { afterAll, expect, it } from 'vitest';
import { protect } from '../../../../src/bot/decide/protect.js';
import { checkStage } from '../../../../src/bot/worker/stages/check.js';
import { cacheScope } from '../../../../src/bot/worker/stages/prefetch.js';
import type { TranslateRequest, TranslateResult } from '../../../../src/providers/types.js';
import { fakeProvider } from '../../../support/fake-provider.js';
import { stageEnv, textMessage } from '../../../support/stage-context.js';

const env = stageEnv('check');
afterAll(() => env.close());

/** A context as the translate stage leaves it; `retryAnswer` is what the model says when asked again. */
function answered(text: string, result: Partial<TranslateResult>, languages: string[], retryAnswer?: (req: TranslateRequest) => Record<string, string>) {
  const provider = fakeProvider(retryAnswer ? { translate: async (req) => (provider.calls.push(req), { detectedLanguage: 'en', translations: retryAnswer(req), usage: { calls: 1, characters: 1 } }) } : {});
  const made = env.context({}, { provider });
  const prot = protect(text, 'text');
  Object.assign(made.ctx, {
    message: textMessage(text),
    plain: text,
    format: 'text',
    targets: languages,
    protected: prot,
    glossary: { keep: [], terms: {} },
    request: { text: prot.text, format: 'text', targetLanguages: languages },
    answer: { languages, result: { detectedLanguage: 'en', translations: {}, usage: { calls: 1, characters: text.length }, ...result } },
  });
  return { ...made, provider };
}

it('restores good answers, marks them ready with the checks that ran, and caches them', async () => {
  const { ctx } = answered('hi @bob, the deploy is done now', { translations: { es: 'hola ⟦0⟧, el despliegue ya está hecho' } }, ['es']);
  await checkStage.run(ctx);
  await ctx.cacheWrite;
  expect(ctx.translations).toEqual({ es: 'hola @bob, el despliegue ya está hecho' });
  expect(ctx.states).toEqual({ es: 'ready' });
  expect(ctx.checked.es).toEqual(expect.arrayContaining(['placeholders', 'copy', 'chatter', 'length']));
  expect(await env.cache.getMany('hi ⟦0⟧, the deploy is done now', ['es'], cacheScope(ctx.deps.provider, 'text'))).toEqual({ es: 'hola ⟦0⟧, el despliegue ya está hecho' });
});

it('reports what the engine said it cannot translate as skipped with its reason code, without asking again; labels pivots', async () => {
  const { ctx, provider } = answered(
    'hello there, the train is late today',
    {
      translations: { gl: 'ola, o tren chega tarde hoxe' },
      pivots: { gl: 'es' },
      untranslatable: { xx: { reason: 'no-engine-pair', detail: 'no Apertium pair installed for en→xx' } },
    },
    ['gl', 'xx'],
  );
  await checkStage.run(ctx);
  expect(ctx.untranslated).toEqual({ xx: 'no Apertium pair installed for en→xx' });
  expect(ctx.states).toEqual({ gl: 'ready', xx: 'skipped:no-engine-pair' });
  expect(ctx.pivots).toEqual({ gl: 'es' });
  expect(provider.calls).toHaveLength(0);
});

it('asks once more, told what was wrong, and takes a good second answer', async () => {
  const { ctx, provider } = answered('ping @ann about it', { translations: { es: 'avisa a ⟦0⟧', fr: 'préviens' } }, ['es', 'fr'], () => ({ fr: 'préviens ⟦0⟧ à ce sujet' }));
  await checkStage.run(ctx);
  expect(provider.calls).toHaveLength(1);
  expect(provider.calls[0]).toMatchObject({ targetLanguages: ['fr'], previousProblems: { fr: expect.stringMatching(/missing token ⟦0⟧/) } });
  expect(ctx.translations).toEqual({ es: 'avisa a @ann', fr: 'préviens @ann à ce sujet' });
  expect(ctx.states).toEqual({ es: 'ready', fr: 'ready' });
});

it('reports a language that fails twice as failed with the reason, and caches only the good ones', async () => {
  const { ctx, provider } = answered('bye @ann', { translations: { es: 'adiós ⟦0⟧', fr: 'salut' } }, ['es', 'fr'], () => ({ fr: 'salut encore' }));
  await checkStage.run(ctx);
  await ctx.cacheWrite;
  expect(provider.calls).toHaveLength(1);
  expect(ctx.untranslated.fr).toMatch(/^the translation came back damaged \(missing token/);
  expect(ctx.states.fr).toMatch(/^failed:the translation came back damaged/);
  expect(await env.cache.getMany('bye ⟦0⟧', ['es', 'fr'], cacheScope(ctx.deps.provider, 'text'))).toEqual({ es: 'adiós ⟦0⟧' });
});

it('runs the checks on cached translations too', async () => {
  const { ctx, provider } = answered('see you tomorrow at the office', {}, ['es'], () => ({ es: 'hasta mañana en la oficina' }));
  ctx.answer = undefined;
  ctx.cached = { es: 'Sure! Here is the translation: hasta mañana en la oficina' };
  await checkStage.run(ctx);
  expect(provider.calls[0]?.previousProblems?.es).toMatch(/comments or quotes/);
  expect(ctx.translations).toEqual({ es: 'hasta mañana en la oficina' });
});
