/**
 * The safety net: a periodic reconciliation re-reads each active thread from its cursor and
 * enqueues what the listener never heard of, and brings back jobs that failed for a transient
 * reason. Events are suppressed by wrapping the backend's event bus (the message is stored and
 * listed, but no WebSocket frame is ever sent for it).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Bot } from '../../../src/bot/bot.js';
import type { ChatEvent } from '../../../src/chat/events.js';
import { BotPostWatch, type BotStack, jobFinished, jobIdOf, startBotStack, threadWithBot } from '../../support/bot-env.js';
import type { TestBackend } from '../../support/chat-server.js';
import type { FakeOpenAI } from '../../support/fake-openai.js';

const RECONCILE_MS = 500;
let backend: TestBackend;
let fake: FakeOpenAI;
let bot: Bot;
let watch: BotPostWatch;
let stack: BotStack;

beforeAll(async () => {
  // One attempt: a job whose single attempt fails lands in the failed set at once.
  stack = await startBotStack('reconcile', { bot: { reconcileMs: RECONCILE_MS, attempts: 1 } });
  ({ backend, fake, bot, watch } = stack);
});

afterAll(() => stack?.close());

/** Drops the next `chatMessageReceived` event published for `threadId`: nobody is told of it. */
function suppressNextMessageEvent(threadId: string): void {
  const bus = backend.chat.events;
  const publish = bus.publish.bind(bus);
  bus.publish = (event: ChatEvent) => {
    if (event.type === 'chatMessageReceived' && event.threadId === threadId) {
      bus.publish = publish;
      return;
    }
    publish(event);
  };
}

it('finds a message whose event was never delivered, at the end of a thread and before later ones', async () => {
  const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es'] });
  suppressNextMessageEvent(threadId);
  const unheard = backend.chat.sendMessage(users[0]!, threadId, { content: 'Nobody was told about this message', type: 'text' });
  const found = await watch.posted(threadId, unheard.id, 10 * RECONCILE_MS + 10_000);
  expect(found.content.message).toBe('[es] [es] Nobody was told about this message');

  // An event lost while a later one arrives: the cursor is already past the lost message.
  suppressNextMessageEvent(threadId);
  const lost = backend.chat.sendMessage(users[0]!, threadId, { content: 'This event went missing', type: 'text' });
  const later = backend.chat.sendMessage(users[0]!, threadId, { content: 'This one arrived', type: 'text' });
  await watch.posted(threadId, later.id);
  await watch.posted(threadId, lost.id, 10 * RECONCILE_MS + 10_000);
  for (const m of [unheard, lost, later]) expect(watch.postsFor(threadId, m.id)).toHaveLength(1);
});

it('brings back a job that failed because the model was unreachable', async () => {
  const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es'] });
  fake.setFailure({ type: 'drop' });
  const message = backend.chat.sendMessage(users[0]!, threadId, { content: 'Sent while the model was unreachable', type: 'text' });
  const failed = await jobFinished(bot, jobIdOf(message));
  expect(failed.failedReason).toMatch(/Could not reach the model API at http:\/\/127\.0\.0\.1:\d+\/v1/);
  fake.setFailure(null);
  const post = await watch.posted(threadId, message.id, 10 * RECONCILE_MS + 10_000);
  expect(post.content.message).toBe('[es] [es] Sent while the model was unreachable');
  expect((await bot.queue.getJobCounts('failed')).failed).toBe(0);
});
