import type { Config } from '../config/load-config.js';
import type { Logger } from '../lib/logger.js';
import { LocalProvider } from '../providers/local-provider.js';
import { OpenAIProvider } from '../providers/openai-provider.js';
import type { ModelProvider } from '../providers/types.js';

/**
 * The model provider the configuration asks for: `openai` (OpenAI, Azure OpenAI or any
 * OpenAI-compatible server) when a model API is configured, else the offline `local` engine.
 */
export function providerFromConfig(config: Config, logger: Logger): ModelProvider {
  const m = config.model;
  const apiConfigured = Boolean(m.openai.apiKey || m.openai.baseURL || m.azure);
  if (m.provider === 'local' || (m.provider === 'auto' && !apiConfigured)) {
    const p = new LocalProvider({ timeoutMs: m.timeoutMs });
    logger.info({ provider: p.name, model: p.model }, 'model provider: local (offline)');
    return p;
  }
  const p = new OpenAIProvider({
    apiKey: m.azure?.apiKey ?? m.openai.apiKey,
    baseURL: m.openai.baseURL,
    azure: m.azure ? { endpoint: m.azure.endpoint, deployment: m.azure.deployment, apiVersion: m.azure.apiVersion } : undefined,
    model: m.model,
    timeoutMs: m.timeoutMs,
    prompts: { dir: m.promptsDir },
  });
  logger.info({ provider: p.name, model: p.model, baseURL: m.azure?.endpoint ?? m.openai.baseURL ?? 'api.openai.com' }, 'model provider: openai');
  return p;
}
