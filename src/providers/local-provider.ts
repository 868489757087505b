/**
 * Offline, keyless provider: Apertium (Debian packages) translates, `eld` detects the language,
 * AFINN scores sentiment and compromise plus patterns find entities. Honest about its limits: a
 * direction without an installed Apertium pair is listed in `untranslatable` with the reason, and
 * sentiment for a language it has no lexicon for says so in `limitation`. A direction with no pair
 * but a language both sides share (en→es→gl) is translated in two passes and listed in `pivots`.
 */
import { ApertiumProcess } from './apertium-process.js';
import type { ApertiumProcessOptions } from './apertium-process.js';
import { DEFAULT_APERTIUM_DIR, findMode, listInstalledModes } from './apertium-modes.js';
import type { ApertiumMode } from './apertium-modes.js';
import { fromStream, keepOuterWhitespace, toStream } from './apertium-stream.js';
import type { StreamFormat } from './apertium-stream.js';
import { PROVIDER_ERROR_CODES as C, ProviderPermanentError } from './errors.js';
import { baseLanguage } from './language-codes.js';
import { apertiumSupport, findRoute, type LanguageSupport } from './language-support.js';
import { detectLanguage } from './language-detector.js';
import { protectGlossary } from './glossary-tokens.js';
import { ANALYZE_MAX_CHARS, analyseInProcess, type LocalAnalysis } from './local-analysis.js';
import type { AnalyzeRequest, AnalyzeResult, LanguageGuess, ModelProvider, TranslateRequest, TranslateResult, Untranslatable } from './types.js';

export interface LocalProviderOptions {
  /** Apertium data directory (holding `modes/`). @defaultValue `/usr/share/apertium` */
  apertiumDir?: string;
  /** Longest time one message may take in one pipeline, in ms. @defaultValue 15000 */
  timeoutMs?: number;
  /** Extra time for the first message after a pipeline (re)starts, in ms. @defaultValue 30000 */
  startTimeoutMs?: number;
  /** Process spawner (tests). */
  spawn?: ApertiumProcessOptions['spawn'];
  /** Where the analysers run (the bot passes its worker threads). @defaultValue in-process */
  analysis?: LocalAnalysis;
}

export class LocalProvider implements ModelProvider {
  readonly name = 'local';
  readonly model = 'apertium+eld';
  /** No prompts: the engines' behaviour is fixed by their installed versions. */
  readonly promptVersion = 'none';
  /** Directions the installed Apertium data supports, read once at start-up. */
  readonly modes: readonly ApertiumMode[];
  private readonly support: LanguageSupport;
  private readonly processes = new Map<string, ApertiumProcess>();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: LocalProviderOptions = {}) {
    this.modes = listInstalledModes(options.apertiumDir ?? DEFAULT_APERTIUM_DIR);
    this.support = apertiumSupport(this.modes);
  }

  async translate(request: TranslateRequest): Promise<TranslateResult> {
    this.assertOpen();
    const { text, format, signal } = request;
    const source = request.sourceLanguage ? baseLanguage(request.sourceLanguage) : this.detectLanguage(text).language;
    const translations: Record<string, string> = {};
    const untranslatable: Record<string, Untranslatable> = {};
    const pivots: Record<string, string> = {};
    // First pass (mode + text) → the targets it serves directly, and the second passes run on its
    // output (pivots: en→es→gl). es and es-MX share eng-spa, en→es and en→gl share the en→es pass;
    // a glossary term may differ per target, so the text is part of the key.
    type Restore = (t: string) => string;
    const passes = new Map<string, { mode: string; text: string; direct: Map<string, Restore>; then: Map<string, Map<string, Restore>> }>();

    for (const target of new Set(request.targetLanguages)) {
      if (source === null) {
        untranslatable[target] = { reason: 'source-undetected', detail: 'the source language could not be detected' };
      } else if (baseLanguage(target) === source || text.trim() === '') {
        translations[target] = text;
      } else {
        const route = findRoute(this.support, source, target);
        const first = route && findMode(this.modes, source, route.via ?? target);
        const second = route?.via ? findMode(this.modes, route.via, target) : undefined;
        if (!route || !first || (route.via && !second)) {
          untranslatable[target] = { reason: 'no-engine-pair', detail: this.unsupportedReason(source, target) };
          continue;
        }
        // Apertium cannot be told about a glossary: its terms travel as tokens it passes through.
        const glossed = protectGlossary(text, request.glossary, target);
        const key = `${first.mode}\u0000${glossed.text}`;
        const pass = passes.get(key) ?? { mode: first.mode, text: glossed.text, direct: new Map(), then: new Map() };
        passes.set(key, pass);
        if (!second) pass.direct.set(target, glossed.restore);
        else {
          pivots[target] = route.via!;
          const then = pass.then.get(second.mode) ?? new Map<string, Restore>();
          pass.then.set(second.mode, then.set(target, glossed.restore));
        }
      }
    }
    let calls = 0;
    const work = [...passes.values()].map(async ({ mode, text: input, direct, then }) => {
      calls += 1;
      const translated = await this.run(mode, input, format, signal);
      for (const [target, restore] of direct) translations[target] = restore(translated);
      await Promise.all(
        [...then].map(async ([secondMode, restores]) => {
          calls += 1;
          const twice = await this.run(secondMode, translated, format, signal);
          for (const [target, restore] of restores) translations[target] = restore(twice);
        }),
      );
    });
    await Promise.all(work);

    const result: TranslateResult = {
      detectedLanguage: source,
      translations,
      usage: { calls, characters: text.length },
    };
    if (Object.keys(untranslatable).length > 0) result.untranslatable = untranslatable;
    if (Object.keys(pivots).length > 0) result.pivots = pivots;
    return result;
  }

  /** The installed directions, direct and pivoted through a shared language. */
  languageSupport(): LanguageSupport {
    return this.support;
  }

  /** Sentiment and entities of the first {@link ANALYZE_MAX_CHARS} characters of the text. */
  async analyze(request: AnalyzeRequest): Promise<AnalyzeResult> {
    this.assertOpen();
    const { signal } = request;
    const text = request.text.length > ANALYZE_MAX_CHARS ? request.text.slice(0, ANALYZE_MAX_CHARS) : request.text;
    const analysis = this.options.analysis ?? analyseInProcess;
    const found = await analysis.analyse(text);
    const { language, entities } = found;
    let score = found.sentiment;
    let calls = 0;
    let limitation: string | undefined;
    if (language !== null && language !== 'en') {
      const toEnglish = findMode(this.modes, language, 'en');
      if (toEnglish) {
        score = await analysis.sentiment(await this.run(toEnglish.mode, text, 'text', signal));
        calls = 1;
        limitation = `sentiment scored on Apertium's English translation (${toEnglish.mode}); names found by patterns only`;
      } else {
        limitation = `no sentiment lexicon for "${language}" and no Apertium pair to English; names found by patterns only`;
      }
    }
    const result: AnalyzeResult = {
      sentiment: score?.sentiment ?? 'neutral',
      // Without a lexicon nothing is known: an even split, not a confident "neutral".
      confidence: score?.confidence ?? { positive: 0.333, neutral: 0.334, negative: 0.333 },
      entities,
      language,
      usage: { calls, characters: text.length },
    };
    if (limitation) result.limitation = limitation;
    return result;
  }

  detectLanguage(text: string): LanguageGuess {
    return detectLanguage(text);
  }

  /** PID of the warm pipeline for `mode` (e.g. `eng-spa`), if it is running. For diagnostics. */
  enginePid(mode: string): number | undefined {
    return this.processes.get(mode)?.pid;
  }

  /** How many times the pipeline for `mode` was started (1 while it stays warm). */
  engineStarts(mode: string): number {
    return this.processes.get(mode)?.starts ?? 0;
  }

  /** Stops every Apertium pipeline. Idempotent; each pipeline is closed even if another fails. */
  close(): Promise<void> {
    this.closing ??= Promise.allSettled([...this.processes.values()].map((p) => p.close())).then(() => undefined);
    return this.closing;
  }

  private async run(mode: string, text: string, format: StreamFormat, signal: AbortSignal | undefined): Promise<string> {
    let engine = this.processes.get(mode);
    if (!engine) {
      const { apertiumDir, timeoutMs, startTimeoutMs, spawn } = this.options;
      engine = new ApertiumProcess({ mode, dataDir: apertiumDir, timeoutMs, startTimeoutMs, spawn });
      this.processes.set(mode, engine);
    }
    const output = await engine.translate(toStream(text, format), signal);
    return keepOuterWhitespace(text, fromStream(output, format));
  }

  private unsupportedReason(source: string, target: string): string {
    if (this.modes.length === 0) return 'Apertium is not installed (no translation modes found)';
    const installed = this.modes.map((m) => m.mode).join(', ');
    return `no Apertium pair installed for ${source}→${baseLanguage(target)} (installed: ${installed})`;
  }

  private assertOpen(): void {
    if (this.closing) throw new ProviderPermanentError(C.closed, 'The provider is closed.');
  }
}
