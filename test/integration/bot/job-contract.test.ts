/**
 * The job contract between the intake and the worker: jobs carry the message (no read from the
 * backend), jobs from an older producer (without it) still work by reading it, and only live
 * changes count towards the end-to-end latency.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CommandGate } from '../../../src/bot/command-gate.js';
import { Intake } from '../../../src/bot/intake.js';
import { JOB, messageJobId, type MessageJob } from '../../../src/bot/queue/jobs.js';
import { createLogger } from '../../../src/lib/logger.js';
import type { JobOutcome } from '../../../src/bot/worker/processor.js';
import { type BotStack, botPostsBySource, jobFinished, jobIdOf, startBotStack, threadWithBot } from '../../support/bot-env.js';

let stack: BotStack;
beforeAll(async () => {
  stack = await startBotStack('contract');
});
afterAll(() => stack?.close());

const text = (content: string) => ({ content, type: 'text' as const });

/** Enqueues a job by hand, as a producer would, and waits for its outcome. */
async function run(data: MessageJob): Promise<JobOutcome> {
  const id = messageJobId(data);
  // The listener's job for the same change may still be kept (finished); it would make this a no-op.
  await (await stack.bot.queue.getJob(id))?.remove();
  await stack.bot.queue.add(JOB.message, data, { jobId: id });
  return (await jobFinished(stack.bot, id)).returnvalue as JobOutcome;
}

it('carries the message in the job, as the event had it', async () => {
  const { backend, bot } = stack;
  const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es'] });
  const m = backend.chat.sendMessage(users[0]!, threadId, text('The report is due on Friday'));
  await jobFinished(bot, jobIdOf(m));
  const job = await bot.queue.getJob(jobIdOf(m));
  expect(job!.data.message).toEqual({ type: 'text', content: 'The report is due on Friday', senderId: users[0], senderDisplayName: '', metadata: {} });
});

it('reads the message from the backend for a job without it (an older producer), and skips a superseded version', async () => {
  const { backend, bot } = stack;
  const { threadId, users } = await threadWithBot(backend, bot, { languages: ['fr'] });
  // Turned off while the message and its edit happen, so the listener's own jobs do nothing.
  await bot.settings.put(threadId, { enabled: false });
  const m = backend.chat.sendMessage(users[0]!, threadId, text('Bring the blue folder'));
  const edited = backend.chat.updateMessage(users[0]!, threadId, m.id, { content: 'Bring the red folder' });
  await jobFinished(bot, jobIdOf(edited, 'edited'));
  await bot.settings.put(threadId, { enabled: true });

  const legacy = (version: string, kind: MessageJob['kind']): MessageJob => ({
    threadId,
    messageId: m.id,
    version,
    kind,
    changedAt: Number(version),
    enqueuedAt: Date.now(),
  });
  expect(await run(legacy(m.version, 'received'))).toMatchObject({ outcome: 'skipped: superseded by a newer version' });
  expect(await run(legacy(edited.version, 'edited'))).toMatchObject({ outcome: 'posted', languages: ['fr'] });
  const [post] = botPostsBySource(backend, users[0]!, threadId, bot.botId).get(m.id)!;
  expect(post!.content.message).toBe('[fr] [fr] Bring the red folder');
});

it('counts only live changes in the end-to-end latency, not backfilled or caught-up old ones', async () => {
  const { backend, bot } = stack;
  const { threadId, users } = await threadWithBot(backend, bot, { languages: ['de'] });
  await bot.settings.put(threadId, { enabled: false });
  const old = backend.chat.sendMessage(users[0]!, threadId, text('An old message from last week'));
  await jobFinished(bot, jobIdOf(old));
  await bot.settings.put(threadId, { enabled: true });
  const samples = async () => (await bot.stats.samples('e2e')).length;

  const before = await samples();
  // Enqueued 10 minutes after the change (a backfill): posted, but no latency sample.
  const message = { type: 'text', content: 'An old message from last week', senderId: users[0]! };
  const backfilled: MessageJob = { threadId, messageId: old.id, version: old.version, kind: 'edited', changedAt: Date.now() - 600_000, enqueuedAt: Date.now(), message };
  expect(await run(backfilled)).toMatchObject({ outcome: 'posted' });
  expect(await samples()).toBe(before);

  // A live message adds one.
  const live = backend.chat.sendMessage(users[0]!, threadId, text('A brand new message right now'));
  expect(((await jobFinished(bot, jobIdOf(live))).returnvalue as JobOutcome).outcome).toBe('posted');
  expect(await samples()).toBe(before + 1);
});

it('does not hold messages back for a command event delivered again after its job finished', async () => {
  const { backend, bot } = stack;
  const { threadId, users } = await threadWithBot(backend, bot, { languages: ['it'] });
  const command = backend.chat.sendMessage(users[0]!, threadId, text('/parley status'));
  expect(((await jobFinished(bot, jobIdOf(command))).returnvalue as JobOutcome).outcome).toBe('command: status');

  // The same event again (an Event Grid redelivery): the job exists, so nothing runs — and the note
  // the intake makes must not keep the thread's next messages waiting.
  const intake = new Intake(bot.queue, bot.settings, createLogger('silent'), new CommandGate(bot.redis, bot.keys));
  await intake.enqueue({
    threadId,
    messageId: command.id,
    version: command.version,
    kind: 'received',
    changedAt: command.createdOn,
    message: { type: 'text', content: '/parley status', senderId: users[0]! },
  });
  const next = backend.chat.sendMessage(users[0]!, threadId, text('Is the meeting still on for today?'));
  // Without dropping the stale note this waits for the note's two-minute safety limit.
  expect(((await jobFinished(bot, jobIdOf(next), 10_000)).returnvalue as JobOutcome).outcome).toBe('posted');
  expect(await bot.redis.zcard(bot.keys.commands(threadId))).toBe(0);
});
