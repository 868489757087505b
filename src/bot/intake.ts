import type { Queue } from 'bullmq';
import type { WireMessage } from '../client/chat-rest-client.js';
import type { Logger } from '../lib/logger.js';
import { CommandGate } from './command-gate.js';
import { isBotMetadata, messageFormat } from './decide/message-filter.js';
import { greetingJobId, greetingJobSchema, JOB, messageJobId, messageJobSchema, type MessageJob } from './queue/jobs.js';
import type { SettingsStore } from './settings-store.js';

/** One change of a message the listener saw (from a frame or from catch-up). */
export type MessageChange = Omit<MessageJob, 'enqueuedAt'>;

/**
 * The change a listed message stands for now (its latest: deleted, edited or received), or null
 * when the bot should not handle it (its own or another bot's post, a system message). Catch-up and
 * backfill both use it, so they produce the listener's job ids.
 */
export function changeOf(threadId: string, m: WireMessage, botId: string): MessageChange | null {
  const sender = m.senderCommunicationIdentifier?.communicationUser?.id ?? m.senderCommunicationIdentifier?.rawId;
  if (!sender || sender === botId || isBotMetadata(m.metadata) || !messageFormat(m.type)) return null;
  const base = { threadId, messageId: m.id, version: m.version };
  if (m.deletedOn) return { ...base, kind: 'deleted', changedAt: Date.parse(m.deletedOn) };
  const message = { type: m.type, content: m.content?.message ?? '', senderId: sender, senderDisplayName: m.senderDisplayName, metadata: m.metadata };
  if (m.editedOn) return { ...base, kind: 'edited', changedAt: Date.parse(m.editedOn), message };
  return { ...base, kind: 'received', changedAt: Date.parse(m.createdOn), message };
}

/**
 * Turns message changes into jobs, then moves the thread's cursor — only after the enqueue
 * succeeded, so a failure leaves the change to the next catch-up.
 */
export class Intake {
  constructor(
    private readonly queue: Queue,
    private readonly settings: SettingsStore,
    private readonly logger: Logger,
    /** Keeps commands ahead of the messages after them; absent, commands race them. */
    private readonly commands?: CommandGate,
    private readonly clock: () => number = Date.now,
  ) {}

  async enqueue(change: MessageChange): Promise<void> {
    const data = messageJobSchema.parse({ ...change, enqueuedAt: this.clock() });
    const jobId = messageJobId(data);
    if (this.commands && CommandGate.isCommand(data)) await this.commands.note(data, jobId);
    await this.queue.add(JOB.message, data, { jobId });
    await this.settings.advanceCursor(change.threadId, change.changedAt);
    this.logger.debug({ threadId: change.threadId, messageId: change.messageId, kind: change.kind }, 'enqueued');
  }

  /** The bot was added to a thread at `addedOn` (epoch ms): it introduces itself (see `worker/greet`). */
  async greet(threadId: string, addedOn: number): Promise<void> {
    const data = greetingJobSchema.parse({ threadId, kind: 'greeting', addedOn, enqueuedAt: this.clock() });
    await this.queue.add(JOB.greeting, data, { jobId: greetingJobId(data) });
  }
}
