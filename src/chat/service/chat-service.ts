import { EventBus } from '../../lib/event-bus.js';
import { systemClock, type Clock } from '../../lib/clock.js';
import { MessageIdGenerator, newThreadId } from '../../lib/ids.js';
import { errors } from '../errors.js';
import type { ChatEvent } from '../events.js';
import {
  DAY_MS,
  LIMITS,
  type Message,
  type MessageContent,
  type Metadata,
  type Participant,
  type ParticipantRef,
  type ReadReceipt,
  type RetentionPolicy,
  type Thread,
} from '../model.js';
import type { ChatStore } from '../store/chat-store.js';
import type { ThreadCursor } from '../store/threads-repo.js';
import { readerWindow, requireMember, requireThread } from './access.js';
import { isSupportedParticipant, unsupportedIdentifierMessage } from './identifiers.js';
import { messageAsSeen, pageAsSeen, snapshotOf, threadAsSeen } from './removed-view.js';
import { sanitizeMessageHtml } from './sanitize.js';

export interface ParticipantInput {
  rawId: string;
  displayName?: string;
  shareHistoryTime?: number;
  metadata?: Metadata;
}

export interface InvalidParticipant {
  target: string;
  code: string;
  message: string;
}

/** Records events durably inside the transaction that made them (the webhook outbox). */
export interface DurableEventSink {
  record(event: ChatEvent): void;
}

export interface ChatServiceOptions {
  store: ChatStore;
  /** @defaultValue the system clock */
  clock?: Clock;
}

/**
 * The rules of the chat backend (design.md §4). Every method takes the caller's raw id, validates
 * access, writes in one transaction and then publishes a {@link ChatEvent}.
 */
export class ChatService {
  readonly events = new EventBus<ChatEvent>();
  private readonly store: ChatStore;
  private readonly clock: Clock;
  private readonly ids: MessageIdGenerator;
  private readonly sinks: DurableEventSink[] = [];

  constructor({ store, clock = systemClock }: ChatServiceOptions) {
    this.store = store;
    this.clock = clock;
    // Continue after the stored ids: a restart (or a clock stepped back) must not reuse or reorder them.
    this.ids = new MessageIdGenerator(store.messages.latestStamp());
  }

  /** Adds a sink that records every event in the same transaction as the change. */
  addDurableSink(sink: DurableEventSink): void {
    this.sinks.push(sink);
  }

  /**
   * Runs `fn` in one transaction with the durable sinks, then publishes its event to live listeners
   * once the change is on disk (in commit order: syncs complete in order, waiters in FIFO order), so
   * no client is told of a change a power loss could still take back.
   */
  private commit<E extends ChatEvent>(fn: () => E): E {
    const event = this.store.transaction(() => {
      const e = fn();
      for (const sink of this.sinks) sink.record(e);
      return e;
    });
    if (!this.store.walSync) this.events.publish(event);
    // After a failed sync nothing is published: the store stops taking writes (see WalSync).
    else this.store.durable().then(() => this.events.publish(event), () => undefined);
    return event;
  }

  /** Whether every change made so far is on disk (no sync owed) and the store still takes writes. */
  synced(): boolean {
    return this.store.walSync ? this.store.walSync.synced() : true;
  }

  /** Why the store takes no more writes (a failed sync to disk), if it does not. */
  get writeFailure(): Error | undefined {
    return this.store.walSync?.failed;
  }

  /** Resolves once every change made before the call is on disk; HTTP answers a write after it. */
  durable(): Promise<void> {
    return this.store.durable();
  }

  /**
   * Throws 404 for an unknown thread, and 403 unless `caller` is a current participant (`member`) or
   * may read its history (`reader`: removed participants too). For checks that must come first.
   */
  authorize(caller: string, threadId: string, as: 'member' | 'reader'): void {
    const thread = requireThread(this.store, threadId);
    if (as === 'member') requireMember(this.store, thread, caller);
    else readerWindow(this.store, thread, caller);
  }

  // ---- threads ---------------------------------------------------------------------------------

  createThread(
    caller: string,
    input: { topic: string; participants: ParticipantInput[]; metadata?: Metadata; retention?: RetentionPolicy },
    repeatabilityId?: string,
  ): { thread: Thread; invalidParticipants: InvalidParticipant[]; replayed: boolean } {
    if (repeatabilityId) {
      const existing = this.store.threads.idempotentThreadId(caller, repeatabilityId);
      const thread = existing ? this.store.threads.get(existing) : undefined;
      if (thread) return { thread, invalidParticipants: [], replayed: true };
    }
    if (input.participants.length > LIMITS.participantsPerBatch) {
      throw errors.badRequest(`At most ${LIMITS.participantsPerBatch} participants can be given when creating a thread.`);
    }
    const now = this.clock();
    const { valid, invalid } = this.partitionParticipants(input.participants, now);
    const creator: ParticipantRef = valid.find((p) => p.id === caller) ?? { id: caller, shareHistoryTime: 0 };
    const members = [creator, ...valid.filter((p) => p.id !== caller)];
    const thread: Thread = {
      id: newThreadId(),
      topic: input.topic,
      createdOn: now,
      createdBy: caller,
      metadata: input.metadata ?? null,
      retention: input.retention ?? null,
      deletedOn: null,
      lastMessageOn: null,
      lastActivity: now,
      lastSeq: 0,
    };
    const event = this.commit(() => {
      this.store.threads.insert(thread);
      for (const p of members) this.insertParticipant(thread.id, p, now);
      const { seq } = this.appendSystem(thread.id, 'participantAdded', { participants: members, initiator: caller }, now);
      this.appendSystem(thread.id, 'topicUpdated', { topic: thread.topic, initiator: caller }, now);
      if (repeatabilityId) this.store.threads.rememberIdempotent(caller, repeatabilityId, thread.id, now);
      return {
        type: 'chatThreadCreated' as const,
        threadId: thread.id,
        thread: this.store.threads.get(thread.id)!,
        participants: members,
        seq,
        recipients: members.map((p) => p.id),
      };
    });
    return { thread: event.thread, invalidParticipants: invalid, replayed: false };
  }

  listThreads(
    caller: string,
    opts: { limit: number; startTime: number; cursor: ThreadCursor | null },
  ): { threads: Thread[]; next: ThreadCursor | null } {
    const rows = this.store.threads.listForUser(caller, opts.startTime, opts.cursor, opts.limit + 1);
    const threads = rows.slice(0, opts.limit).map((r) => threadAsSeen(r.thread, r.removedView));
    const last = threads[threads.length - 1];
    const next = rows.length > opts.limit && last ? { t: last.lastMessageOn ?? last.createdOn, id: last.id } : null;
    return { threads, next };
  }

  getThread(caller: string, threadId: string): Thread {
    const thread = requireThread(this.store, threadId);
    return threadAsSeen(thread, readerWindow(this.store, thread, caller).view);
  }

  updateThread(
    caller: string,
    threadId: string,
    patch: { topic?: string; metadata?: Record<string, string | null>; retention?: RetentionPolicy },
  ): void {
    const thread = requireThread(this.store, threadId);
    requireMember(this.store, thread, caller);
    // An empty merge patch changes nothing: no write, no event.
    if (patch.topic === undefined && isEmpty(patch.metadata) && patch.retention === undefined) return;
    const now = this.clock();
    const updated: Thread = {
      ...thread,
      topic: patch.topic ?? thread.topic,
      metadata: patch.metadata ? mergeMetadata(thread.metadata, patch.metadata) : thread.metadata,
      retention: patch.retention ?? thread.retention,
    };
    this.commit(() => {
      this.store.threads.update(updated);
      const seq =
        patch.topic !== undefined ? this.appendSystem(thread.id, 'topicUpdated', { topic: updated.topic, initiator: caller }, now).seq : null;
      return {
        type: 'chatThreadPropertiesUpdated' as const,
        threadId,
        thread: this.store.threads.get(threadId)!,
        updatedBy: caller,
        at: now,
        seq,
        recipients: this.currentIds(threadId),
      };
    });
  }

  deleteThread(caller: string, threadId: string): void {
    const thread = requireThread(this.store, threadId);
    requireMember(this.store, thread, caller);
    const now = this.clock();
    this.commit(() => {
      this.store.threads.markDeleted(threadId, now);
      return { type: 'chatThreadDeleted' as const, threadId, deletedBy: caller, at: now, recipients: this.currentIds(threadId) };
    });
  }

  // ---- messages --------------------------------------------------------------------------------

  sendMessage(
    caller: string,
    threadId: string,
    input: { content: string; type: 'text' | 'html'; senderDisplayName?: string; metadata?: Metadata },
  ): Message {
    const thread = requireThread(this.store, threadId);
    const member = requireMember(this.store, thread, caller);
    checkMessageSize(input.content);
    const content = input.type === 'html' ? sanitizeHtmlContent(input.content) : input.content;
    const now = this.clock();
    const { message } = this.commit(() => {
      const id = this.ids.next(now);
      const m: Message = {
        threadId,
        id: String(id),
        seq: this.store.threads.nextSeq(threadId, now),
        type: input.type,
        senderId: caller,
        senderDisplayName: input.senderDisplayName ?? member.displayName ?? '',
        content: { message: content },
        metadata: input.metadata ?? null,
        createdOn: id,
        editedOn: null,
        deletedOn: null,
        version: String(id),
      };
      this.store.messages.insert(m);
      this.store.threads.setLastMessageOn(threadId, id);
      return { type: 'chatMessageReceived' as const, threadId, message: m, recipients: this.currentIds(threadId) };
    });
    return message;
  }

  listMessages(
    caller: string,
    threadId: string,
    opts: { limit: number; startTime: number; beforeSeq: number | null },
  ): { messages: Message[]; nextBeforeSeq: number | null } {
    // startTime: messages created, edited or deleted after it (exclusive); -1 = everything.
    const thread = requireThread(this.store, threadId);
    const { maxSeq, since, horizon } = readerWindow(this.store, thread, caller);
    const fetch = (beforeSeq: number, limit: number) =>
      this.store.messages.page(threadId, { beforeSeq, maxSeq, since, changedAfter: opts.startTime }, limit);
    const seen =
      horizon === null
        ? (m: Message) => m
        : (m: Message) => messageAsSeen(m, horizon, (at) => this.store.revisions.at(threadId, m.id, at));
    return pageAsSeen(fetch, seen, { ...opts, beforeSeq: opts.beforeSeq ?? Number.MAX_SAFE_INTEGER });
  }

  getMessage(caller: string, threadId: string, messageId: string): Message {
    const thread = requireThread(this.store, threadId);
    const window = readerWindow(this.store, thread, caller);
    const stored = this.store.messages.get(threadId, messageId);
    const horizon = window.horizon;
    const m =
      stored && horizon !== null ? messageAsSeen(stored, horizon, (at) => this.store.revisions.at(threadId, messageId, at)) : stored;
    if (!m || m.deletedOn !== null || m.seq > window.maxSeq || m.createdOn < window.since) {
      throw errors.notFound(`Message '${messageId}' was not found.`);
    }
    return m;
  }

  updateMessage(
    caller: string,
    threadId: string,
    messageId: string,
    patch: { content?: string; metadata?: Record<string, string | null> },
  ): Message {
    const thread = requireThread(this.store, threadId);
    requireMember(this.store, thread, caller);
    const m = this.ownMessage(caller, threadId, messageId);
    // An empty merge patch changes nothing: the version, editedOn and listeners stay untouched.
    if (patch.content === undefined && isEmpty(patch.metadata)) return m;
    if (patch.content !== undefined) checkMessageSize(patch.content);
    const content = patch.content === undefined ? m.content.message : m.type === 'html' ? sanitizeHtmlContent(patch.content) : patch.content;
    // Change times come from the message-id sequence, so every change is stamped strictly after all
    // earlier ones even when ids run ahead of the clock in a burst: `startTime` resumes rely on it.
    const now = this.ids.next(Math.max(this.clock(), Number(m.version) + 1));
    const updated: Message = {
      ...m,
      content: { ...m.content, message: content },
      metadata: patch.metadata ? mergeMetadata(m.metadata, patch.metadata) : m.metadata,
      editedOn: now,
      version: String(now),
    };
    this.commit(() => {
      // A removed participant who can read this message keeps reading it as it was (removed-view.ts).
      if (this.store.participants.hasRemovedReaderOf(threadId, m.seq)) {
        this.store.revisions.put(threadId, messageId, { replacedAt: now, content: m.content, metadata: m.metadata, editedOn: m.editedOn, version: m.version });
      }
      this.store.messages.update(updated);
      return { type: 'chatMessageEdited' as const, threadId, message: updated, recipients: this.currentIds(threadId) };
    });
    return updated;
  }

  deleteMessage(caller: string, threadId: string, messageId: string): void {
    const thread = requireThread(this.store, threadId);
    requireMember(this.store, thread, caller);
    const m = this.ownMessage(caller, threadId, messageId);
    const now = this.ids.next(this.clock()); // strictly after every earlier change (see updateMessage)
    this.commit(() => {
      this.store.messages.markDeleted(threadId, messageId, now);
      this.store.revisions.deleteFor(threadId, messageId);
      return {
        type: 'chatMessageDeleted' as const,
        threadId,
        message: { ...m, deletedOn: now },
        recipients: this.currentIds(threadId),
      };
    });
  }

  // ---- participants ----------------------------------------------------------------------------

  listParticipants(caller: string, threadId: string, opts: { limit: number; skip: number }): { participants: Participant[]; more: boolean } {
    const thread = requireThread(this.store, threadId);
    requireMember(this.store, thread, caller);
    const rows = this.store.participants.page(threadId, opts.limit + 1, opts.skip);
    return { participants: rows.slice(0, opts.limit), more: rows.length > opts.limit };
  }

  /**
   * Adds participants. `caller` must be a current participant, or `{ admin: true }` for the resource
   * owner (parley's HMAC admin API, used to add the bot to any thread).
   */
  addParticipants(caller: string | { admin: true }, threadId: string, input: ParticipantInput[]): InvalidParticipant[] {
    const thread = requireThread(this.store, threadId);
    if (typeof caller === 'string') requireMember(this.store, thread, caller);
    if (input.length > LIMITS.participantsPerBatch) {
      throw errors.badRequest(`At most ${LIMITS.participantsPerBatch} participants can be added in one request.`);
    }
    const now = this.clock();
    const { valid, invalid } = this.partitionParticipants(input, now);
    const fresh = valid.filter((p) => {
      const existing = this.store.participants.get(threadId, p.id);
      return !existing || existing.removedOn !== null;
    });
    if (fresh.length === 0) return invalid;
    if (this.store.participants.count(threadId) + fresh.length > LIMITS.participantsPerThread) {
      throw errors.badRequest(`A thread can have at most ${LIMITS.participantsPerThread} participants.`);
    }
    const initiator = typeof caller === 'string' ? caller : fresh[0]!.id;
    this.commit(() => {
      for (const p of fresh) this.insertParticipant(threadId, p, now);
      const { seq } = this.appendSystem(threadId, 'participantAdded', { participants: fresh, initiator }, now);
      return {
        type: 'participantsAdded' as const,
        threadId,
        added: fresh,
        addedBy: initiator,
        at: now,
        seq,
        recipients: this.currentIds(threadId),
      };
    });
    return invalid;
  }

  /** Removes a participant; `{ admin: true }` as for {@link addParticipants}. */
  removeParticipant(caller: string | { admin: true }, threadId: string, rawId: string): void {
    const thread = requireThread(this.store, threadId);
    if (typeof caller === 'string') requireMember(this.store, thread, caller);
    if (!isSupportedParticipant(rawId)) throw errors.badRequest(unsupportedIdentifierMessage(rawId));
    const actor = typeof caller === 'string' ? caller : rawId;
    const target = this.store.participants.get(threadId, rawId);
    if (!target || target.removedOn !== null) throw errors.notFound(`'${rawId}' is not a participant of this thread.`);
    const now = this.clock();
    const removed: ParticipantRef = { id: rawId, ...(target.displayName ? { displayName: target.displayName } : {}) };
    this.commit(() => {
      // The removed participant is among the recipients: it hears of its own removal, then nothing more.
      const recipients = this.currentIds(threadId);
      const { seq, stamp } = this.appendSystem(threadId, 'participantRemoved', { participants: [removed], initiator: actor }, now);
      // The removal's stamp is on the same sequence as edits and deletions, so "changed after the
      // removal" is exact; the snapshot is the thread as the removed participant keeps seeing it.
      this.store.participants.remove(threadId, rawId, stamp, seq, snapshotOf(this.store.threads.get(threadId)!));
      return { type: 'participantsRemoved' as const, threadId, removed: [removed], removedBy: actor, at: now, seq, recipients };
    });
  }

  // ---- receipts and typing ---------------------------------------------------------------------

  /** A no-op above 20 participants, where ACS does not support read receipts (documented). */
  sendReadReceipt(caller: string, threadId: string, messageId: string): void {
    const thread = requireThread(this.store, threadId);
    requireMember(this.store, thread, caller);
    const m = this.store.messages.get(threadId, messageId);
    if (!m || m.deletedOn !== null) throw errors.notFound(`Message '${messageId}' was not found.`);
    if (this.receiptsUnsupported(threadId)) return;
    const receipt: ReadReceipt = { threadId, userId: caller, messageId, readOn: this.clock() };
    this.commit(() => {
      this.store.receipts.put(receipt);
      return {
        type: 'readReceiptReceived' as const,
        threadId,
        sender: caller,
        messageId,
        readOn: receipt.readOn,
        recipients: this.currentIds(threadId),
      };
    });
  }

  /** Empty above 20 participants (see {@link sendReadReceipt}). */
  listReadReceipts(caller: string, threadId: string, opts: { limit: number; skip: number }): { receipts: ReadReceipt[]; more: boolean } {
    const thread = requireThread(this.store, threadId);
    requireMember(this.store, thread, caller);
    if (this.receiptsUnsupported(threadId)) return { receipts: [], more: false };
    const rows = this.store.receipts.page(threadId, opts.limit + 1, opts.skip);
    return { receipts: rows.slice(0, opts.limit), more: rows.length > opts.limit };
  }

  /** Accepted but not delivered above 20 participants. */
  sendTyping(caller: string, threadId: string, senderDisplayName?: string): void {
    const thread = requireThread(this.store, threadId);
    const member = requireMember(this.store, thread, caller);
    if (this.receiptsUnsupported(threadId)) return;
    this.commit(() => ({
      type: 'typingIndicatorReceived' as const,
      threadId,
      sender: caller,
      senderDisplayName: senderDisplayName ?? member.displayName ?? '',
      at: this.clock(),
      recipients: this.currentIds(threadId),
    }));
  }

  // ---- housekeeping ----------------------------------------------------------------------------

  /**
   * Deletes threads whose retention policy expired, threads without participants idle for 30 days,
   * and soft-deleted threads 30 days after deletion. Returns the purged thread ids.
   */
  sweep(): string[] {
    const now = this.clock();
    const purged: string[] = [];
    for (const t of this.store.threads.all()) {
      const retentionExpired =
        t.retention?.kind === 'threadCreationDate' && now >= t.createdOn + t.retention.deleteThreadAfterDays * DAY_MS;
      const idle = now - t.lastActivity >= LIMITS.idleDaysWithoutParticipants * DAY_MS;
      const abandoned = idle && this.store.participants.count(t.id) === 0;
      const longDeleted = t.deletedOn !== null && now - t.deletedOn >= LIMITS.idleDaysWithoutParticipants * DAY_MS;
      if (retentionExpired || abandoned || longDeleted) {
        this.store.threads.purge(t.id);
        purged.push(t.id);
      }
    }
    return purged;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private currentIds(threadId: string): string[] {
    return this.store.participants.current(threadId).map((p) => p.userId);
  }

  private receiptsUnsupported(threadId: string): boolean {
    return this.store.participants.count(threadId) > LIMITS.receiptsAndTypingMaxParticipants;
  }

  private ownMessage(caller: string, threadId: string, messageId: string): Message {
    const m = this.store.messages.get(threadId, messageId);
    if (!m || m.deletedOn !== null) throw errors.notFound(`Message '${messageId}' was not found.`);
    if (m.senderId !== caller) throw errors.forbidden('Only the sender can edit or delete a message.');
    return m;
  }

  /** Appends a system message; returns its sequence id and its id (a change stamp). */
  private appendSystem(threadId: string, type: Message['type'], content: MessageContent, now: number): { seq: number; stamp: number } {
    const id = this.ids.next(now);
    const seq = this.store.threads.nextSeq(threadId, now);
    this.store.messages.insert({
      threadId,
      id: String(id),
      seq,
      type,
      senderId: null,
      senderDisplayName: null,
      content,
      metadata: null,
      createdOn: id,
      version: String(id),
    });
    return { seq, stamp: id };
  }

  private insertParticipant(threadId: string, p: ParticipantRef, now: number): void {
    this.store.participants.add({
      threadId,
      userId: p.id,
      displayName: p.displayName ?? null,
      shareHistoryTime: p.shareHistoryTime ?? 0,
      metadata: p.metadata ?? null,
      addedOn: now,
    });
  }

  /**
   * ACS users that exist are valid; unknown ACS users are 404, other kinds (Teams, phone) 403 as ACS
   * answers (with a message that names the supported kind).
   */
  private partitionParticipants(input: ParticipantInput[], now: number): { valid: ParticipantRef[]; invalid: InvalidParticipant[] } {
    const valid: ParticipantRef[] = [];
    const invalid: InvalidParticipant[] = [];
    const seen = new Set<string>();
    for (const p of input) {
      if (seen.has(p.rawId)) continue;
      seen.add(p.rawId);
      if (!isSupportedParticipant(p.rawId)) {
        invalid.push({ target: p.rawId, code: '403', message: `Permissions check failed: ${unsupportedIdentifierMessage(p.rawId)}` });
        continue;
      }
      const identity = this.store.identities.get(p.rawId);
      if (!identity || identity.deletedOn !== null) {
        invalid.push({ target: p.rawId, code: '404', message: 'Not found' });
        continue;
      }
      valid.push({
        id: p.rawId,
        ...(p.displayName !== undefined ? { displayName: p.displayName } : {}),
        shareHistoryTime: Math.min(p.shareHistoryTime ?? 0, now),
        ...(p.metadata ? { metadata: p.metadata } : {}),
      });
    }
    return { valid, invalid };
  }
}

/** The limit applies to the content as sent (html before sanitizing, which may shrink or escape it). */
/** Sanitized html; what sanitizes down to nothing (only a script, say) is refused rather than stored empty. */
function sanitizeHtmlContent(html: string): string {
  const clean = sanitizeMessageHtml(html);
  if (clean.replace(/<[^<>]*>|&nbsp;|\s/g, '') === '' && !/<img\b/i.test(clean)) {
    throw errors.badRequest('The html content is empty once sanitized (scripts, styles and frames are removed).');
  }
  return clean;
}

function checkMessageSize(content: string): void {
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > LIMITS.messageBytes) {
    throw errors.tooLarge(`Message content is ${bytes} bytes; the limit is ${LIMITS.messageBytes} bytes.`);
  }
}

const isEmpty = (patch: Record<string, unknown> | undefined): boolean => !patch || Object.keys(patch).length === 0;

/** JSON merge-patch of a string map: `null` removes a key. */
function mergeMetadata(current: Metadata | null, patch: Record<string, string | null>): Metadata | null {
  const merged: Metadata = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete merged[k];
    else merged[k] = v;
  }
  return Object.keys(merged).length ? merged : null;
}

