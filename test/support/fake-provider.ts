import type { AnalyzeResult, ModelProvider, TranslateRequest, TranslateResult } from '../../src/providers/types.js';

/**
 * An in-process provider for pipeline tests that do not exercise the openai client: "translates"
 * to `[lang] text`, detects English or Spanish by a word list, counts calls.
 */
export function fakeProvider(overrides: Partial<ModelProvider> = {}): ModelProvider & { calls: TranslateRequest[] } {
  const calls: TranslateRequest[] = [];
  return {
    name: 'local',
    model: 'fake',
    promptVersion: 'fake.v1',
    calls,
    async translate(req): Promise<TranslateResult> {
      calls.push(req);
      return {
        detectedLanguage: 'en',
        translations: Object.fromEntries(req.targetLanguages.map((l) => [l, `[${l}] ${req.text}`])),
        usage: { calls: 1, characters: req.text.length },
      };
    },
    async analyze({ text }): Promise<AnalyzeResult> {
      const negative = /angry|terrible|awful|hate/i.test(text);
      return {
        sentiment: negative ? 'negative' : 'neutral',
        confidence: negative ? { positive: 0, neutral: 0.1, negative: 0.9 } : { positive: 0.1, neutral: 0.8, negative: 0.1 },
        entities: [],
        language: 'en',
        usage: { calls: 1, characters: text.length },
      };
    },
    detectLanguage(text) {
      if (/\b(hola|gracias|el|la|que)\b/i.test(text)) return { language: 'es', confidence: 0.9 };
      return { language: 'en', confidence: 0.9 };
    },
    async close() {},
    ...overrides,
  };
}
