/**
 * The offline provider through the whole pipeline: Apertium (eng-spa, installed by .ci/run)
 * translates an English message into Spanish for real, mentions and URLs pass through untouched.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bot } from '../../../src/bot/bot.js';
import type { JobOutcome } from '../../../src/bot/worker/processor.js';
import { createLogger } from '../../../src/lib/logger.js';
import { LocalProvider } from '../../../src/providers/local-provider.js';
import { BotPostWatch, REDIS_URL, deletePrefix, jobFinished, jobIdOf, threadWithBot, uniquePrefix } from '../../support/bot-env.js';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';

const prefix = uniquePrefix('local-provider');
let backend: TestBackend;
let bot: Bot;
let watch: BotPostWatch;

beforeAll(async () => {
  backend = await startTestBackend();
  bot = await new Bot({
    chatUrl: backend.url,
    accessKey: backend.accessKey,
    redisUrl: REDIS_URL,
    prefix,
    provider: new LocalProvider(),
    logger: createLogger('silent'),
  }).start();
  watch = new BotPostWatch(backend, () => bot.botId);
});

afterAll(async () => {
  watch?.close();
  await bot?.close(); // also closes the provider's Apertium pipelines
  await backend?.close();
  await deletePrefix(REDIS_URL, prefix);
});

it('translates English into Spanish with Apertium, for real', async () => {
  const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es'] });
  const m = backend.chat.sendMessage(users[0]!, threadId, {
    content: 'Hello @maria, the house is very big and the dog is black. See https://example.com/plan',
    type: 'text',
  });
  const post = await watch.posted(threadId, m.id, 45_000);
  const text = post.content.message ?? '';
  expect(text.startsWith('[es] ')).toBe(true);
  expect(text).toMatch(/\bcasa\b/);
  expect(text).toMatch(/\bperro\b/);
  expect(text).toMatch(/\bnegro\b/);
  expect(text).toContain('@maria');
  expect(text).toContain('https://example.com/plan');
  expect(text).not.toMatch(/[⟦⟧*#]/); // no leftover tokens or Apertium unknown-word marks
  expect(post.metadata).toMatchObject({ parleyLanguages: 'es', parleySourceId: m.id, parleySourceLanguage: 'en' });
  const job = await jobFinished(bot, jobIdOf(m));
  expect(job.returnvalue as JobOutcome).toMatchObject({ outcome: 'posted', modelCalls: 1 });
}, 60_000);
