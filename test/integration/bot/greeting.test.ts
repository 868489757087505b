import type { Job } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bot } from '../../../src/bot/bot.js';
import { greetingJobId, JOB } from '../../../src/bot/queue/jobs.js';
import { GREETING_KIND } from '../../../src/bot/worker/greet.js';
import type { ChatEvent } from '../../../src/chat/events.js';
import { createLogger } from '../../../src/lib/logger.js';
import { jobFinished, REDIS_URL, startBotStack, within, type BotStack } from '../../support/bot-env.js';
import { fakeProvider } from '../../support/fake-provider.js';

let stack: BotStack;
let bot: Bot;

beforeAll(async () => {
  stack = await startBotStack('greeting', { bot: { provider: fakeProvider() } });
  bot = stack.bot;
});
afterAll(async () => {
  if (bot !== stack.bot) await bot.close();
  await stack.close();
});

const greetings = (threadId: string) =>
  stack.watch.events.filter((e) => e.type === 'chatMessageReceived' && e.message.threadId === threadId && e.message.metadata?.parleyKind === GREETING_KIND);

/** Adds the bot and resolves with the time the backend recorded for the add (the greeting job's key). */
async function addBot(threadId: string): Promise<number> {
  const added = new Promise<number>((resolve) => {
    const off = stack.backend.chat.events.subscribe((e: ChatEvent) => {
      if (e.type === 'participantsAdded' && e.threadId === threadId && e.added.some((p) => p.id === bot.botId)) {
        off();
        resolve(e.at);
      }
    });
  });
  await bot.settings.put(threadId, { languages: ['es'] });
  await bot.admin.addParticipant(threadId, bot.botId, 'parley');
  return within(added, 10_000, 'the participantsAdded event');
}

it('introduces itself once when added: not again on a re-add, a redelivered event or a restart', async () => {
  const { backend } = stack;
  const ana = backend.identity.createUser();
  const bruno = backend.identity.createUser();
  const { thread } = backend.chat.createThread(ana, { topic: 'greeting', participants: [{ rawId: bruno, displayName: 'Bruno' }] });
  await bot.settings.setReader(thread.id, bruno, ['fr']);

  const firstAdd = await addBot(thread.id);
  const hello = await stack.watch.next((e) => greetings(thread.id).includes(e), 'the greeting');
  expect(hello.message.content.message).toContain('Spanish (es), French (fr).');
  expect(hello.message.content.message).toContain('/parley help');
  expect(hello.message.metadata).toMatchObject({ parleyBot: 'true', parleyKind: 'greeting' });

  // The same participantsAdded event delivered again is the same job: nothing new.
  const jobsBefore = (await bot.queue.getJobs(['completed', 'waiting', 'active', 'delayed'])).filter((j) => j.name === JOB.greeting).length;
  await bot.listener!.handle({
    type: 'participantsAdded',
    payload: { threadId: thread.id, addedOn: new Date(firstAdd).toISOString(), participantsAdded: [{ id: { communicationUserId: bot.botId } }] },
  });
  const jobsAfter = (await bot.queue.getJobs(['completed', 'waiting', 'active', 'delayed'])).filter((j) => j.name === JOB.greeting).length;
  expect(jobsAfter).toBe(jobsBefore);

  // Removed and added again: a new greeting job runs, and stays silent.
  await bot.admin.removeParticipant(thread.id, bot.botId);
  const secondAdd = await addBot(thread.id);
  const job: Job = await jobFinished(bot, greetingJobId({ threadId: thread.id, addedOn: secondAdd }));
  expect(job.returnvalue).toEqual({ outcome: 'skipped: already greeted' });

  // Restarted: the catch-up enqueues what it missed, and no greeting.
  await bot.close();
  bot = await new Bot({ chatUrl: backend.url, accessKey: backend.accessKey, redisUrl: REDIS_URL, prefix: stack.prefix, provider: fakeProvider(), logger: createLogger('silent') }).start();
  const sent = backend.chat.sendMessage(ana, thread.id, { content: 'Good morning, everyone, the report is ready.', type: 'text' });
  await stack.watch.posted(thread.id, sent.id);
  const greetingJobs = (await bot.queue.getJobs(['completed', 'waiting', 'active', 'delayed', 'failed'])).filter((j) => j.name === JOB.greeting);
  expect(greetingJobs.map((j) => j.id).sort()).toEqual([greetingJobId({ threadId: thread.id, addedOn: firstAdd }), greetingJobId({ threadId: thread.id, addedOn: secondAdd })].sort());
  expect(greetings(thread.id)).toHaveLength(1);
});
