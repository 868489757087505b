import { describe, expect, it } from 'vitest';
import { ProviderConfigError, chooseProvider, createProvider } from '../../../src/providers/create-provider.js';
import { LocalProvider } from '../../../src/providers/local-provider.js';
import { OpenAIProvider } from '../../../src/providers/openai-provider.js';

describe('chooseProvider', () => {
  it('picks local when no model API is configured', () => {
    expect(chooseProvider({}).name).toBe('local');
    expect(chooseProvider({ model: 'gpt-4o' }).name).toBe('local');
  });
  it('picks openai for a key or a base URL alone (keyless local servers)', () => {
    expect(chooseProvider({ openaiApiKey: 'sk-x' }).name).toBe('openai');
    expect(chooseProvider({ openaiBaseUrl: 'http://localhost:11434/v1' }).name).toBe('openai');
  });
  it('picks Azure when its endpoint is set, and honours an explicit choice', () => {
    expect(chooseProvider({ azureEndpoint: 'https://r.openai.azure.com/', openaiApiKey: 'sk-x' }).name).toBe('azure-openai');
    expect(chooseProvider({ provider: 'local', openaiApiKey: 'sk-x' }).name).toBe('local');
  });
});

describe('createProvider', () => {
  const secret = 'sk-very-secret-key';
  const logged: unknown[] = [];
  const logger = { info: (fields: object, message: string) => void logged.push(fields, message) };

  it('builds the OpenAI provider with the model and never logs the key', async () => {
    const provider = createProvider({ openaiApiKey: secret, openaiBaseUrl: 'http://user:pw@localhost:8080/v1?key=abc', model: 'llama3', logger });
    expect(provider).toBeInstanceOf(OpenAIProvider);
    expect(provider.name).toBe('openai');
    expect(provider.model).toBe('llama3');
    const text = JSON.stringify(logged);
    expect(text).toContain('http://localhost:8080/v1');
    for (const leak of [secret, 'pw', 'abc']) expect(text).not.toContain(leak);
    await provider.close();
  });

  it('builds Azure OpenAI from its variables and lists missing ones', async () => {
    const provider = createProvider({ azureEndpoint: 'https://r.openai.azure.com/', azureApiKey: secret, azureDeployment: 'gpt4o-prod' });
    expect(provider.name).toBe('azure-openai');
    expect(provider.model).toBe('gpt4o-prod');
    await provider.close();
    expect(() => createProvider({ azureEndpoint: 'https://r.openai.azure.com/' })).toThrow(
      new ProviderConfigError('Azure OpenAI needs AZURE_OPENAI_API_KEY, AZURE_OPENAI_DEPLOYMENT.'),
    );
  });

  it('falls back to the offline provider', async () => {
    const provider = createProvider({});
    expect(provider).toBeInstanceOf(LocalProvider);
    expect(provider.name).toBe('local');
    await provider.close();
  });
});
