import type { Config } from '../config/load-config.js';
import type { Logger } from '../lib/logger.js';
import { chooseProvider, createProvider, type CreateProviderOptions } from '../providers/create-provider.js';
import type { ModelProvider, ProviderName } from '../providers/types.js';
import type { LocalAnalysis } from '../providers/local-analysis.js';
import { DEFAULT_APERTIUM_DIR, listInstalledModes } from '../providers/apertium-modes.js';
import { apertiumSupport, modelSupport, type LanguageSupport } from '../providers/language-support.js';

/**
 * The model provider the configuration asks for: `openai` (OpenAI, Azure OpenAI or any
 * OpenAI-compatible server) when a model API is configured, else the offline `local` engine.
 */
export function providerFromConfig(config: Config, logger: Logger, analysis?: LocalAnalysis): ModelProvider {
  return createProvider({ ...providerOptions(config, analysis), logger: logger.child({ component: 'provider' }) });
}

/** Which engine the configuration selects, without building it (the CLI says what it cannot do). */
export function engineFromConfig(config: Config): ProviderName {
  return chooseProvider(providerOptions(config)).name;
}

function providerOptions(config: Config, analysis?: LocalAnalysis): CreateProviderOptions {
  const m = config.model;
  return {
    provider: m.provider,
    openaiApiKey: m.openai.apiKey,
    openaiBaseUrl: m.openai.baseURL,
    model: m.model,
    modelLanguages: m.languages,
    azureEndpoint: m.azure?.endpoint,
    azureApiKey: m.azure?.apiKey,
    azureDeployment: m.azure?.deployment,
    azureApiVersion: m.azure?.apiVersion,
    timeoutMs: m.timeoutMs,
    prompts: { dir: m.promptsDir },
    local: { timeoutMs: m.timeoutMs, analysis },
  };
}

/**
 * What the configured provider can translate, without building it (the CLI checks languages with
 * this; it reads the same installed Apertium modes the workers on this machine read).
 */
export function languageSupportFromConfig(config: Config, apertiumDir = DEFAULT_APERTIUM_DIR): LanguageSupport {
  const m = config.model;
  if (engineFromConfig(config) === 'local') return apertiumSupport(listInstalledModes(apertiumDir));
  return modelSupport(engineFromConfig(config) === 'azure-openai' ? (m.azure?.deployment ?? m.model) : m.model, m.languages);
}
