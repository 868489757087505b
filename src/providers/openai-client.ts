/**
 * Builds the `openai` client (OpenAI-compatible or Azure OpenAI) with parley's retry policy.
 *
 * One owner per retry (style.md §6): the SDK retries connection errors, timeouts, 408/409 and 5xx
 * up to `maxRetries` times with its short exponential backoff; a 429 is NOT retried by the SDK but
 * surfaces at once as `ProviderRateLimitError` carrying the server's `retry-after`, so the queue
 * delays the job (and can slow every worker down) instead of a worker sleeping inside an HTTP call.
 *
 * The SDK's `maxRetries` applies to every retryable status alike, so this is done with a `fetch`
 * wrapper that adds `x-should-retry: false` to 429 responses — the SDK's documented server
 * override, which it obeys before its own status rules. Everything else about the response
 * (status, headers, body, request id) is untouched, so the SDK still builds its `RateLimitError`.
 */
import OpenAI, { AzureOpenAI } from 'openai';
import { httpFetch } from '../lib/http-fetch.js';

/** Azure OpenAI: the deployment name replaces the model in the URL. */
export interface AzureOpenAIOptions {
  /** `https://<resource>.openai.azure.com/` */
  endpoint: string;
  deployment: string;
  /** e.g. `2024-10-21` */
  apiVersion: string;
}

/** Connection and retry settings shared by both client kinds. */
export interface OpenAIClientOptions {
  /** API key; for keyless local servers (Ollama, vLLM) any placeholder is sent. */
  apiKey?: string;
  /** OpenAI-compatible base URL including `/v1`. @defaultValue `https://api.openai.com/v1` */
  baseURL?: string;
  /** When set, the client talks to Azure OpenAI and `baseURL` is ignored. */
  azure?: AzureOpenAIOptions;
  /** Per-attempt timeout in ms (the SDK aborts and, if attempts remain, retries). @defaultValue 30000 */
  timeoutMs?: number;
  /** SDK retries for connection errors, timeouts and 5xx (not 429, see above). @defaultValue 2 */
  maxRetries?: number;
  /** Let the SDK also wait out 429s itself (for callers without a queue). @defaultValue false */
  retryRateLimits?: boolean;
  /** `fetch` to use (tests, proxies). @defaultValue {@link httpFetch} */
  fetch?: typeof fetch;
}

export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 2;

// Sent when no key is configured: the SDK refuses to start without one, and reading
// OPENAI_API_KEY from the environment behind the config's back is what we want to avoid.
const NO_KEY = 'no-key-configured';

/** A `fetch` whose 429 responses tell the `openai` SDK not to retry them. */
export function failFastOnRateLimit(fetchImpl: typeof fetch = httpFetch): typeof fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    if (response.status !== 429) return response;
    const headers = new Headers(response.headers);
    headers.set('x-should-retry', 'false');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}

/**
 * Creates the SDK client. Every setting is passed explicitly, so the SDK's own environment
 * fallbacks (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `OPENAI_ORG_ID`, …) never apply.
 */
export function createOpenAIClient(options: OpenAIClientOptions): OpenAI {
  const {
    apiKey = NO_KEY,
    baseURL = DEFAULT_OPENAI_BASE_URL,
    azure,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    maxRetries = DEFAULT_MAX_RETRIES,
    retryRateLimits = false,
    fetch: fetchImpl = httpFetch,
  } = options;
  const common = {
    apiKey,
    timeout: timeoutMs,
    maxRetries,
    fetch: retryRateLimits ? fetchImpl : failFastOnRateLimit(fetchImpl),
    organization: null,
    project: null,
  };
  if (azure) {
    // baseURL rather than `endpoint`: AzureOpenAI would otherwise default baseURL from OPENAI_BASE_URL.
    return new AzureOpenAI({
      ...common,
      baseURL: `${azure.endpoint.replace(/\/+$/, '')}/openai`,
      deployment: azure.deployment,
      apiVersion: azure.apiVersion,
    });
  }
  return new OpenAI({ ...common, baseURL });
}
