/**
 * Picks and builds the model provider from plain, already-parsed settings (the app's config maps
 * environment variables onto {@link CreateProviderOptions}; nothing here reads `process.env`).
 *
 * Azure OpenAI when an Azure endpoint is set; otherwise OpenAI-compatible when an API key or a base
 * URL is set (a base URL alone is enough for keyless local servers such as Ollama); otherwise the
 * offline `local` provider.
 */
import { LocalProvider } from './local-provider.js';
import type { LocalProviderOptions } from './local-provider.js';
import { OpenAIProvider } from './openai-provider.js';
import type { PromptOptions } from './openai-provider.js';
import type { ModelProvider, ProviderName } from './types.js';

/** Settings for {@link createProvider}; each field names the variable it usually comes from. */
export interface CreateProviderOptions {
  /** Force a provider instead of choosing by what is configured. @defaultValue `'auto'` */
  provider?: ProviderName | 'auto';
  /** `OPENAI_API_KEY` */
  openaiApiKey?: string;
  /** `OPENAI_BASE_URL`, e.g. `http://localhost:11434/v1` for Ollama. */
  openaiBaseUrl?: string;
  /** `PARLEY_MODEL`. @defaultValue {@link DEFAULT_MODEL} */
  model?: string;
  /** `AZURE_OPENAI_ENDPOINT`, e.g. `https://my-resource.openai.azure.com/` */
  azureEndpoint?: string;
  /** `AZURE_OPENAI_API_KEY` */
  azureApiKey?: string;
  /** `AZURE_OPENAI_DEPLOYMENT` */
  azureDeployment?: string;
  /** `AZURE_OPENAI_API_VERSION`. @defaultValue {@link DEFAULT_AZURE_API_VERSION} */
  azureApiVersion?: string;
  /** `PARLEY_MODEL_LANGUAGES`: the target languages a model API is used for. @defaultValue any */
  modelLanguages?: readonly string[];
  /** Per-attempt model API timeout, ms. @defaultValue 30000 */
  timeoutMs?: number;
  /** SDK retries for connection errors, timeouts and 5xx (429 always goes to the queue). @defaultValue 2 */
  maxRetries?: number;
  /** Prompt directory and versions. */
  prompts?: PromptOptions;
  /** Options of the offline provider. */
  local?: LocalProviderOptions;
  /** Receives one line describing the choice (never a key). A pino logger fits. */
  logger?: { info(fields: object, message: string): void };
}

export const DEFAULT_MODEL = 'gpt-4o-mini';
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

/** The configuration cannot make a working provider; the message lists what is missing. */
export class ProviderConfigError extends Error {
  override readonly name = 'ProviderConfigError';
}

/** Which provider the options select, and why. Pure. */
export function chooseProvider(options: CreateProviderOptions): { name: ProviderName; reason: string } {
  const requested = options.provider ?? 'auto';
  if (requested !== 'auto') return { name: requested, reason: 'provider set explicitly' };
  if (options.azureEndpoint) return { name: 'azure-openai', reason: 'AZURE_OPENAI_ENDPOINT is set' };
  if (options.openaiApiKey || options.openaiBaseUrl) return { name: 'openai', reason: 'OPENAI_API_KEY or OPENAI_BASE_URL is set' };
  return { name: 'local', reason: 'no model API configured' };
}

/** Builds the chosen provider. Throws {@link ProviderConfigError} or `PromptTemplateError`. */
export function createProvider(options: CreateProviderOptions = {}): ModelProvider {
  const { name, reason } = chooseProvider(options);
  let provider: ModelProvider;
  let endpoint: string | undefined;
  if (name === 'azure-openai') {
    const missing = (
      [
        ['AZURE_OPENAI_ENDPOINT', options.azureEndpoint],
        ['AZURE_OPENAI_API_KEY', options.azureApiKey],
        ['AZURE_OPENAI_DEPLOYMENT', options.azureDeployment],
      ] as const
    ).filter(([, value]) => !value);
    if (missing.length > 0) {
      throw new ProviderConfigError(`Azure OpenAI needs ${missing.map(([n]) => n).join(', ')}.`);
    }
    endpoint = options.azureEndpoint;
    provider = new OpenAIProvider({
      model: options.azureDeployment as string,
      apiKey: options.azureApiKey,
      azure: {
        endpoint: options.azureEndpoint as string,
        deployment: options.azureDeployment as string,
        apiVersion: options.azureApiVersion ?? DEFAULT_AZURE_API_VERSION,
      },
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      prompts: options.prompts,
      languages: options.modelLanguages,
    });
  } else if (name === 'openai') {
    endpoint = options.openaiBaseUrl;
    provider = new OpenAIProvider({
      model: options.model ?? DEFAULT_MODEL,
      apiKey: options.openaiApiKey,
      baseURL: options.openaiBaseUrl,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      prompts: options.prompts,
      languages: options.modelLanguages,
    });
  } else {
    provider = new LocalProvider(options.local);
  }
  options.logger?.info(
    { provider: provider.name, model: provider.model, promptVersion: provider.promptVersion, endpoint: safeEndpoint(endpoint), reason },
    'model provider selected',
  );
  return provider;
}

/** The endpoint for logs: origin and path only, without credentials or query (keys travel there). */
function safeEndpoint(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}
