/**
 * The one interface every model provider implements (design.md §5). The bot's workers depend on
 * this file only; which engine sits behind it is decided once by `createProvider`.
 */
import type { LanguageSupport, SkipReason } from './language-support.js';

/** What to translate and into which languages. */
export interface TranslateRequest {
  /** The message text (plain text or sanitized HTML). May contain placeholder tokens `⟦n⟧`. */
  text: string;
  /** `html`: tags and attributes are kept, only text content is translated. */
  format: 'text' | 'html';
  /** BCP 47 / ISO 639-1 codes, e.g. `['es', 'fr', 'pt-BR']`. One provider call covers all of them. */
  targetLanguages: string[];
  /** Known source language; when absent the provider detects it. */
  sourceLanguage?: string;
  /** Cancels the work (the job is shutting down or timed out). */
  signal?: AbortSignal;
  /** The thread's glossary entries that occur in this text. Every engine honours them. */
  glossary?: TranslateGlossary;
  /** Target language → register; absent or `auto`: as the original. Engines without registers ignore it. */
  formality?: Record<string, 'formal' | 'informal' | 'auto'>;
  /** Earlier messages of the thread, oldest first: context to read, never to translate. */
  context?: ContextMessage[];
  /**
   * Set when asking again after an answer failed the bot's checks: target language → what was wrong.
   * The engine changes its request accordingly (an LLM is told); it is never the identical request.
   */
  previousProblems?: Record<string, string>;
}

/** Glossary entries found in a message. */
export interface TranslateGlossary {
  /** Terms to keep exactly as they occur in the text. */
  keep: string[];
  /** Target language → [term as it occurs in the text, its required translation]. */
  terms: Record<string, Array<[string, string]>>;
}

/** One earlier message sent as context. */
export interface ContextMessage {
  /** Display name of its sender, when known. */
  sender?: string;
  /** Plain text (possibly shortened). */
  text: string;
}

/** Counters for cost and throughput dashboards. */
export interface ProviderUsage {
  /** Model or engine calls made for this request (0 when nothing had to be translated). */
  calls: number;
  /** Prompt tokens reported by the model API; absent for engines without tokens. */
  inputTokens?: number;
  /** Completion tokens reported by the model API; absent for engines without tokens. */
  outputTokens?: number;
  /** Characters (UTF-16 code units) of source text processed, counted once per request. */
  characters: number;
}

/** Why one language was not translated: a stable reason (post metadata `skipped:<reason>`) and detail for logs. */
export interface Untranslatable {
  reason: SkipReason;
  /** For operators (logs, job results), never for the thread: e.g. `no Apertium pair for en→de`. */
  detail: string;
}

/** A translation answer: one entry per requested language, in `translations` or `untranslatable`. */
export interface TranslateResult {
  /** Source language as detected or given (ISO 639-1 where known), `null` when unknown. */
  detectedLanguage: string | null;
  /** Language code (as requested) → translated text. */
  translations: Record<string, string>;
  /** Language code → why it was not translated (e.g. no engine pair). Never faked. */
  untranslatable?: Record<string, Untranslatable>;
  /** Language code → the pivot language its translation went through (two engine passes). */
  pivots?: Record<string, string>;
  usage: ProviderUsage;
}

export type Sentiment = 'positive' | 'neutral' | 'negative' | 'mixed';

/** A named thing found in the text; `offset`/`length` index the original text (UTF-16 units). */
export interface Entity {
  text: string;
  /** `Person`, `Location`, `Organization`, `Email`, `URL`, `Quantity`, `DateTime`, `PhoneNumber`, … */
  category: string;
  offset: number;
  length: number;
}

/** Sentiment and entities of one message. */
export interface AnalyzeResult {
  sentiment: Sentiment;
  /** Scores in 0..1 that sum to 1 (±0.001). `mixed` has no score of its own, as in Azure AI Language. */
  confidence: { positive: number; neutral: number; negative: number };
  entities: Entity[];
  /** Language of the text (ISO 639-1) or `null` when unknown. */
  language: string | null;
  /** Set when the engine could only do part of the job (e.g. no sentiment lexicon for the language). */
  limitation?: string;
  usage: ProviderUsage;
}

/** What {@link ModelProvider.analyze} takes. */
export interface AnalyzeRequest {
  text: string;
  signal?: AbortSignal;
}

/** Result of the local, synchronous language detector. */
export interface LanguageGuess {
  /** ISO 639-1 code, or `null` when the text is too short or ambiguous to say. */
  language: string | null;
  /** 0..1; very short text gives a low value. */
  confidence: number;
}

export type ProviderName = 'openai' | 'azure-openai' | 'local';

/** A translation / analysis engine. Errors thrown are always `ProviderError` subclasses. */
export interface ModelProvider {
  readonly name: ProviderName;
  /** Model or deployment name (`gpt-4o-mini`, `apertium+eld`), for logs and cache keys. */
  readonly model: string;
  /** Version of the prompts in use (e.g. `translate.v1+analyze.v1`), for cache keys. */
  readonly promptVersion: string;
  translate(request: TranslateRequest): Promise<TranslateResult>;
  analyze(request: AnalyzeRequest): Promise<AnalyzeResult>;
  /** Local and synchronous, used before deciding what work is needed; never calls a model. */
  detectLanguage(text: string): LanguageGuess;
  /**
   * Which languages it translates into, from which sources; absent means any language. Read when
   * languages are set (to refuse what it cannot do) and before each translation.
   */
  languageSupport?(): LanguageSupport;
  /** Releases clients and child processes. Idempotent. */
  close(): Promise<void>;
  /** Where a remote model API is (its base URL); absent for offline engines. */
  readonly endpoint?: string;
  /** A cheap call that succeeds when a remote model API answers (e.g. list models). */
  probe?(signal?: AbortSignal): Promise<void>;
}
