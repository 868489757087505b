/**
 * Model provider over any OpenAI-compatible chat-completions API (OpenAI, Azure OpenAI, Ollama,
 * vLLM, llama.cpp server, LM Studio) through the `openai` package.
 *
 * One model call per message covers all target languages: the answer is a JSON object keyed by
 * language, requested with a strict `json_schema` response format and validated with zod. The
 * message text is data, never instructions: it travels alone in the user turn between delimiter
 * lines carrying a random nonce (so the text cannot close the block), and the system prompt says so.
 */
import { randomBytes } from 'node:crypto';
import type OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { BoundedMap } from '../lib/bounded-map.js';
import { normalizeConfidence, locateEntities } from './analysis-utils.js';
import { PROVIDER_ERROR_CODES as C, ProviderInvalidOutputError, ProviderPermanentError } from './errors.js';
import { detectLanguage } from './language-detector.js';
import { languageName } from './language-codes.js';
import { modelSupport, type LanguageSupport } from './language-support.js';
import { createOpenAIClient, DEFAULT_OPENAI_BASE_URL } from './openai-client.js';
import type { OpenAIClientOptions } from './openai-client.js';
import { toProviderError } from './openai-errors.js';
import {
  ANALYSIS_SCHEMA_NAME,
  ENTITY_CATEGORIES,
  TRANSLATION_SCHEMA_NAME,
  analysisSchema,
  parseAnswer,
  translationSchema,
} from './openai-schemas.js';
import type { TranslationAnswer } from './openai-schemas.js';
import { ANALYZE_PLACEHOLDERS, TRANSLATE_PLACEHOLDERS, TRANSLATE_V2_PLACEHOLDERS, loadPrompt } from './prompts.js';
import { contextTurn, renderFormality, renderGlossary, renderRetry } from './translate-prompt.js';
import type { PromptTemplate } from './prompts.js';
import type { AnalyzeRequest, AnalyzeResult, LanguageGuess, ModelProvider, TranslateRequest, TranslateResult } from './types.js';

/** Which prompt files to use. */
export interface PromptOptions {
  /** @defaultValue the repository's `prompts/` */
  dir?: string;
  /** Loads `translate.v<N>.md`; version 1 has no glossary, register or context. @defaultValue 2 */
  translateVersion?: number;
  /** Loads `analyze.v<N>.md`. @defaultValue 1 */
  analyzeVersion?: number;
}

export interface OpenAIProviderOptions extends OpenAIClientOptions {
  /** Model name sent in each request (ignored by Azure, which uses the deployment). */
  model: string;
  prompts?: PromptOptions;
  /** Sampling temperature; omitted from requests when undefined (reasoning models reject it). */
  temperature?: number;
  /** An already-built client (tests); connection options are then ignored. */
  client?: OpenAI;
  /** Target languages the operator vouches for (`PARLEY_MODEL_LANGUAGES`). @defaultValue any language */
  languages?: readonly string[];
}

type ChatCompletion = OpenAI.Chat.Completions.ChatCompletion;
type ResponseFormat = ReturnType<typeof zodResponseFormat>;
/** Distinct language sets whose response formats are kept. */
const MAX_CACHED_FORMATS = 256;

export class OpenAIProvider implements ModelProvider {
  readonly name: 'openai' | 'azure-openai';
  readonly model: string;
  readonly promptVersion: string;
  /** The API's base URL (for logs, errors and the start-up banner). */
  readonly endpoint: string;
  private readonly client: OpenAI;
  private readonly translatePrompt: PromptTemplate<(typeof TRANSLATE_V2_PLACEHOLDERS)[number]>;
  /** Version 2+ of the translate prompt: it takes a glossary, a register and context. */
  private readonly promptV2: boolean;
  private readonly analyzePrompt: PromptTemplate<(typeof ANALYZE_PLACEHOLDERS)[number]>;
  private closed = false;
  private readonly formats = new BoundedMap<string, { schema: ReturnType<typeof translationSchema>; format: ResponseFormat }>(MAX_CACHED_FORMATS);
  private readonly analysisFormat: ResponseFormat = zodResponseFormat(analysisSchema, ANALYSIS_SCHEMA_NAME);

  /** Loads and checks the prompt files; throws `PromptTemplateError` if one is unusable. */
  constructor(private readonly options: OpenAIProviderOptions) {
    const { prompts = {} } = options;
    this.name = options.azure ? 'azure-openai' : 'openai';
    this.model = options.azure ? options.azure.deployment : options.model;
    const translateVersion = prompts.translateVersion ?? 2;
    this.promptV2 = translateVersion >= 2;
    // A v1 template uses v1's placeholders only; rendering ignores the values it does not use.
    this.translatePrompt = loadPrompt({ dir: prompts.dir, task: 'translate', version: translateVersion, placeholders: this.promptV2 ? TRANSLATE_V2_PLACEHOLDERS : TRANSLATE_PLACEHOLDERS }) as PromptTemplate<
      (typeof TRANSLATE_V2_PLACEHOLDERS)[number]
    >;
    this.analyzePrompt = loadPrompt({ dir: prompts.dir, task: 'analyze', version: prompts.analyzeVersion, placeholders: ANALYZE_PLACEHOLDERS });
    this.promptVersion = `${this.translatePrompt.version}+${this.analyzePrompt.version}`;
    this.client = options.client ?? createOpenAIClient(options);
    this.endpoint = options.azure ? options.azure.endpoint : (options.baseURL ?? DEFAULT_OPENAI_BASE_URL);
  }

  /** A cheap call that succeeds when the API answers: lists the models (one attempt, no retries). */
  async probe(signal?: AbortSignal): Promise<void> {
    try {
      await this.client.models.list({ signal, maxRetries: 0 });
    } catch (error) {
      throw toProviderError(error, Date.now(), this.endpoint);
    }
  }

  async translate(request: TranslateRequest): Promise<TranslateResult> {
    const targets = [...new Set(request.targetLanguages)];
    const characters = request.text.length;
    if (targets.length === 0 || request.text.trim() === '') {
      const translations = Object.fromEntries(targets.map((l) => [l, request.text]));
      return { detectedLanguage: request.sourceLanguage ?? null, translations, usage: { calls: 0, characters } };
    }
    const { open, close } = delimiters();
    const context = delimiters('context');
    const source = request.sourceLanguage;
    const system = this.translatePrompt.render({
      targetLanguages: targets.map((l) => `${l} (${languageName(l)})`).join(', '),
      sourceLanguage: source ? `${source} (${languageName(source)})` : 'not given; detect it',
      format: request.format,
      delimiter: open,
      glossary: renderGlossary(request, targets),
      formality: renderFormality(request, targets),
      contextDelimiter: context.open,
      retry: renderRetry(request),
    });
    const { schema, format } = this.translationFormat(targets);
    // Context in a turn of its own, before the message's: the message stays the last user turn.
    const earlier = this.promptV2 ? contextTurn(request.context, context.open, context.close) : null;
    const user = [...(earlier ? [earlier] : []), `${open}\n${request.text}\n${close}`];
    const completion = await this.complete(system, user, format, request.signal);
    const answer = parseAnswer(contentOf(completion), schema, 'translation') as TranslationAnswer;
    const empty = targets.filter((l) => answer.translations[l]?.trim() === '');
    if (empty.length > 0) {
      throw new ProviderInvalidOutputError(`The model returned an empty translation for ${empty.join(', ')}.`, empty.map((l) => `translations.${l}: empty`));
    }
    return {
      detectedLanguage: source ?? answer.detectedLanguage?.toLowerCase() ?? this.detectLanguage(request.text).language,
      translations: Object.fromEntries(targets.map((l) => [l, answer.translations[l] as string])),
      usage: usageOf(completion, characters),
    };
  }

  async analyze(request: AnalyzeRequest): Promise<AnalyzeResult> {
    const { open, close } = delimiters();
    const system = this.analyzePrompt.render({ categories: ENTITY_CATEGORIES.join(', '), delimiter: open });
    const completion = await this.complete(system, [`${open}\n${request.text}\n${close}`], this.analysisFormat, request.signal);
    const answer = parseAnswer(contentOf(completion), analysisSchema, 'analysis');
    return {
      sentiment: answer.sentiment,
      confidence: normalizeConfidence(answer.confidence),
      entities: locateEntities(request.text, answer.entities),
      language: answer.language?.toLowerCase() ?? this.detectLanguage(request.text).language,
      usage: usageOf(completion, request.text.length),
    };
  }

  detectLanguage(text: string): LanguageGuess {
    return detectLanguage(text);
  }

  /** Any language, or the configured list. */
  languageSupport(): LanguageSupport {
    return modelSupport(this.model, this.options.languages);
  }

  /** Nothing to release (the SDK keeps no sockets of its own); later calls fail. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
  }

  /**
   * The translation schema and its JSON-schema response format for a language set, built once per
   * set: converting zod to JSON schema on every request was a large share of the bot's CPU.
   */
  private translationFormat(targets: readonly string[]): { schema: ReturnType<typeof translationSchema>; format: ResponseFormat } {
    const key = targets.join(',');
    let entry = this.formats.get(key);
    if (!entry) {
      const schema = translationSchema(targets);
      entry = { schema, format: zodResponseFormat(schema, TRANSLATION_SCHEMA_NAME) };
      this.formats.set(key, entry);
    }
    return entry;
  }

  private async complete(system: string, user: readonly string[], format: ResponseFormat, signal: AbortSignal | undefined): Promise<ChatCompletion> {
    if (this.closed) throw new ProviderPermanentError(C.closed, 'The provider is closed.');
    let completion: ChatCompletion;
    try {
      completion = await this.client.chat.completions.create(
        {
          model: this.model,
          messages: [
            { role: 'system', content: system },
            ...user.map((content) => ({ role: 'user' as const, content })),
          ],
          response_format: format,
          ...(this.options.temperature === undefined ? {} : { temperature: this.options.temperature }),
        },
        signal ? { signal } : undefined,
      );
    } catch (error) {
      throw toProviderError(error, Date.now(), this.endpoint);
    }
    const choice = completion.choices[0];
    if (choice?.message.refusal) {
      throw new ProviderPermanentError(C.refused, `The model refused: ${choice.message.refusal}`);
    }
    if (choice?.finish_reason === 'length') {
      throw new ProviderPermanentError(C.outputTruncated, 'The model stopped at its token limit before finishing the answer.');
    }
    if (choice?.finish_reason === 'content_filter') {
      throw new ProviderPermanentError(C.refused, 'The model API content filter blocked the answer.');
    }
    return completion;
  }
}

function delimiters(tag = 'message'): { open: string; close: string } {
  const nonce = randomBytes(6).toString('hex');
  return { open: `<${tag}-${nonce}>`, close: `</${tag}-${nonce}>` };
}

function contentOf(completion: ChatCompletion): string | null | undefined {
  return completion.choices[0]?.message.content;
}

function usageOf(completion: ChatCompletion, characters: number): TranslateResult['usage'] {
  const usage: TranslateResult['usage'] = { calls: 1, characters };
  if (completion.usage) {
    usage.inputTokens = completion.usage.prompt_tokens;
    usage.outputTokens = completion.usage.completion_tokens;
  }
  return usage;
}
