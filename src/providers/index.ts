/** Model providers (design.md §5): the interface, its errors, and the factory. */
export type {
  AnalyzeRequest,
  AnalyzeResult,
  Entity,
  LanguageGuess,
  ModelProvider,
  ProviderName,
  ProviderUsage,
  Sentiment,
  TranslateRequest,
  TranslateResult,
} from './types.js';
export {
  PROVIDER_ERROR_CODES,
  ProviderError,
  ProviderInvalidOutputError,
  ProviderPermanentError,
  ProviderRateLimitError,
  ProviderTransientError,
} from './errors.js';
export type { ProviderErrorCode } from './errors.js';
export { DEFAULT_AZURE_API_VERSION, DEFAULT_MODEL, ProviderConfigError, chooseProvider, createProvider } from './create-provider.js';
export type { CreateProviderOptions } from './create-provider.js';
export { OpenAIProvider } from './openai-provider.js';
export type { OpenAIProviderOptions, PromptOptions } from './openai-provider.js';
export { LocalProvider } from './local-provider.js';
export type { LocalProviderOptions } from './local-provider.js';
export { PromptTemplateError } from './prompts.js';
