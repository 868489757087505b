/**
 * The README's local model server examples, tested as written: the variables are read from the
 * README itself (the Ollama quick start and the llama.cpp / vLLM table), only the server's address is
 * swapped for the fake OpenAI-compatible server's, and parley — config, provider choice, the real
 * `openai` client, the whole bot — runs against it with no key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { createLogger } from '../../../src/lib/logger.js';
import { startBot, type BotHolder } from '../../../src/runtime/bot-runtime.js';
import { providerFromConfig } from '../../../src/runtime/provider.js';
import { BotPostWatch, REDIS_URL, deletePrefix, threadWithBot, uniquePrefix } from '../../support/bot-env.js';
import { startTestBackend, tempDir, type TestBackend } from '../../support/chat-server.js';
import { startFakeOpenAI, type FakeOpenAI } from '../../support/fake-openai.js';

const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');

/** `A=1 B=2 npm start` → `{A: '1', B: '2'}` (the assignments before the command). */
function assignments(line: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const word of line.trim().split(/\s+/)) {
    const m = /^([A-Z_]+)=(\S+)$/.exec(word.replace(/`/g, ''));
    if (!m) continue;
    env[m[1]!] = m[2]!;
  }
  return env;
}

/** The quick-start line `OPENAI_BASE_URL=… PARLEY_MODEL=… npm start` of the README's Ollama example. */
const ollamaLine = readme.split('\n').find((l) => /^OPENAI_BASE_URL=\S+ .*npm start$/.test(l)) ?? '';
/** The table rows: server name → the variables in the `parley` column. */
const tableRows = Object.fromEntries(
  readme
    .split('\n')
    .filter((l) => /^\| (Ollama|llama\.cpp|vLLM) \|/.test(l))
    .map((l) => {
      const cells = l.split('|').map((c) => c.trim());
      return [cells[1]!, assignments(cells[3] ?? '')];
    }),
);

let fake: FakeOpenAI;
/** The README's variables, the model server's address replaced by the fake's (same path). */
const pointedAtFake = (env: Record<string, string>): Record<string, string> => ({
  ...env,
  OPENAI_BASE_URL: env.OPENAI_BASE_URL!.replace(/^http:\/\/127\.0\.0\.1:\d+/, fake.origin),
});

beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake?.close());

describe("the README's local model server configuration", () => {
  it('is there, keyless, and names the servers', () => {
    expect(ollamaLine).not.toBe('');
    expect(assignments(ollamaLine)).toEqual({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', PARLEY_MODEL: 'llama3.1' });
    expect(Object.keys(tableRows).sort()).toEqual(['Ollama', 'llama.cpp', 'vLLM']);
    for (const env of Object.values(tableRows)) expect(Object.keys(env).sort()).toEqual(['OPENAI_BASE_URL', 'PARLEY_MODEL']);
  });

  it.each(['Ollama', 'llama.cpp', 'vLLM'])('%s: selects the openai provider and translates through /v1/chat/completions without a key', async (server) => {
    const env = pointedAtFake(tableRows[server]!);
    const provider = providerFromConfig(loadConfig(env), createLogger('silent'));
    try {
      expect(provider.name).toBe('openai');
      expect(provider.model).toBe(env.PARLEY_MODEL);
      expect(provider.languageSupport?.()).toEqual({ kind: 'any', engine: `the model ${env.PARLEY_MODEL}` });
      const before = fake.requests.length;
      const result = await provider.translate({ text: 'Hello, how are you?', format: 'text', targetLanguages: ['gl', 'de'] });
      expect(result.translations).toEqual({ gl: '[gl] Hello, how are you?', de: '[de] Hello, how are you?' });
      const [request] = fake.requests.slice(before);
      expect(request).toMatchObject({ method: 'POST', path: '/v1/chat/completions', body: { model: env.PARLEY_MODEL, response_format: { type: 'json_schema' } } });
      // No key configured: a placeholder travels, never anything from the environment.
      expect(request!.headers.authorization).toBe('Bearer no-key-configured');
    } finally {
      await provider.close();
    }
  });

  describe('the Ollama quick start, with the whole bot', () => {
    const prefix = uniquePrefix('local-model-server');
    let backend: TestBackend;
    const holder: BotHolder = {};
    beforeAll(async () => {
      backend = await startTestBackend();
    });
    afterAll(async () => {
      await holder.bot?.close();
      await backend?.close();
      await deletePrefix(REDIS_URL, prefix);
    });

    it('translates a message into a language the offline engine lacks, and accepts any language', async () => {
      const config = loadConfig({ ...pointedAtFake(assignments(ollamaLine)), PARLEY_DATA_DIR: tempDir(), PARLEY_REDIS_PREFIX: prefix });
      const bot = await startBot(config, createLogger('silent'), { chatUrl: backend.url, accessKey: backend.accessKey, redisUrl: REDIS_URL, listen: true, work: true }, holder);
      const watch = new BotPostWatch(backend, () => bot.botId);
      try {
        const alice = backend.identity.createUser();
        const { thread } = backend.chat.createThread(alice, { topic: 'model server', participants: [] });
        const added = await holder.admin!.add(thread.id, { languages: ['de', 'ja'] });
        expect(added.notes).toEqual([]);
        const { threadId, users } = await threadWithBot(backend, bot, { languages: ['de'] });
        const m = backend.chat.sendMessage(users[0]!, threadId, { content: 'Hello, I need help with my order.', type: 'text' });
        const post = await watch.posted(threadId, m.id, 30_000);
        expect(post.content.message).toBe('[de] [de] Hello, I need help with my order.');
        expect(JSON.parse(post.metadata!.parleyStates!)).toEqual({ de: 'ready' });
      } finally {
        watch.close();
      }
    }, 60_000);
  });
});
