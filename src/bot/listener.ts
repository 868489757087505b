import type { ChatRestClient } from '../client/chat-rest-client.js';
import { ChatApiError } from '../client/errors.js';
import type { RealtimeFrame } from '../client/realtime-connection.js';
import type { Logger } from '../lib/logger.js';
import { isBotMetadata, messageFormat } from './decide/message-filter.js';
import { changeOf, type Intake, type MessageChange } from './intake.js';
import type { SettingsStore } from './settings-store.js';

export interface ListenerOptions {
  botId: string;
  client: ChatRestClient;
  intake: Intake;
  settings: SettingsStore;
  logger: Logger;
  /** First delay before a failed intake is retried by a catch-up. @defaultValue 500 */
  retryDelayMs?: number;
  /**
   * Brings back jobs that failed for a transient reason; run after every catch-up and
   * reconciliation (see reviveFailed).
   */
  revive?: () => Promise<unknown>;
  /** Period of the reconciliation safety net (ms); 0 = none. @defaultValue 0 */
  reconcileMs?: number;
  /**
   * Threads whose cursor moved within this long are reconciled every period, the others every
   * {@link FULL_RECONCILE_EVERY}th. @defaultValue 24 hours
   */
  activeWindowMs?: number;
}

/** Every this many reconciliations, every served thread is checked, idle ones included. */
export const FULL_RECONCILE_EVERY = 10;
/**
 * A reconciliation re-reads from this long before a thread's cursor, so a change whose event alone
 * was lost while later ones arrived (the cursor already past it) is found too. Already enqueued
 * changes are no-ops (job ids are deterministic).
 */
export const RECONCILE_LOOKBACK_MS = 60_000;

type P = Record<string, unknown>;
const userOf = (id: unknown): string | undefined => (id as { communicationUserId?: string } | undefined)?.communicationUserId;

/**
 * The bot's ears: real-time frames (or webhook events) become jobs through the intake, each
 * thread's in arrival order, different threads in parallel (a thread's cursor only depends on its
 * own changes). After every (re)connect, and after an intake failure, it catches up each served
 * thread from its cursor with `listMessages`, while no frame is being taken in.
 */
export class Listener {
  /** The catch-up in progress (or the last one): frames that arrive meanwhile wait for it. */
  private barrier: Promise<void> = Promise.resolve();
  /** Per thread, the last frame taken in or waiting; entries go once settled. */
  private readonly threads = new Map<string, Promise<void>>();
  private served = new Set<string>();
  private retryTimer?: NodeJS.Timeout;
  private retryDelay: number;
  private stopped = false;
  /** Set while an intake failed and the next catch-up has not succeeded yet. */
  private behind = false;
  private reconcileTimer?: NodeJS.Timeout;
  private reconciling?: Promise<number>;
  private reconciles = 0;

  constructor(private readonly o: ListenerOptions) {
    this.retryDelay = o.retryDelayMs ?? 500;
  }

  /**
   * Handles one frame; returns when it has been taken in, dropped, or left to a catch-up because
   * taking it in failed (Redis down): the cursor did not move, so the catch-up re-reads it.
   */
  handle(frame: RealtimeFrame): Promise<void> {
    const threadId = String((frame.payload as P).threadId ?? '');
    const run = () => this.take(frame).catch((err: unknown) => this.fallBehind(err, 'taking in an event failed; will catch up'));
    const next = Promise.all([this.threads.get(threadId), this.barrier]).then(run, run);
    this.threads.set(threadId, next);
    void next.then(() => {
      if (this.threads.get(threadId) === next) this.threads.delete(threadId);
    });
    return next;
  }

  /** Catches up every served thread once the frames being taken in are done; run after each connect. */
  catchUp(): Promise<void> {
    const run = () => this.catchUpAll();
    const next = Promise.all([this.barrier, ...this.threads.values()]).then(run, run);
    this.barrier = next;
    return next;
  }

  /** Starts the periodic reconciliation (`reconcileMs`), if configured. */
  startReconciling(): void {
    const ms = this.o.reconcileMs ?? 0;
    if (ms <= 0 || this.reconcileTimer) return;
    this.reconcileTimer = setInterval(() => void this.reconcile().catch(() => undefined), ms);
    this.reconcileTimer.unref();
  }

  /**
   * One pass of the safety net that bounds how long a missed event stays unprocessed, whatever
   * lost it: each thread with recent activity (all threads every {@link FULL_RECONCILE_EVERY}th pass)
   * is listed from its cursor (less {@link RECONCILE_LOOKBACK_MS}) and what it shows is enqueued;
   * then failed jobs with a transient reason are brought back. Live frames are not held up: every
   * enqueue is idempotent and cursors only move forward. Resolves with the changes found past the
   * cursors (events that never arrived).
   */
  reconcile(): Promise<number> {
    this.reconciling ??= this.reconcileAll().finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  private async reconcileAll(): Promise<number> {
    const full = this.reconciles++ % FULL_RECONCILE_EVERY === 0;
    const activeSince = Date.now() - (this.o.activeWindowMs ?? 24 * 3600_000);
    let missed = 0;
    try {
      for (const threadId of await this.o.settings.threadIds()) {
        if (this.stopped) break;
        const cursor = await this.o.settings.cursor(threadId);
        if (!full && (cursor === null || cursor < activeSince)) continue;
        missed += await this.catchUpThread(threadId, RECONCILE_LOOKBACK_MS);
      }
      // Past the cursor: events lost, or (under load) still on their way; enqueuing them is harmless.
      if (missed) this.o.logger.info({ count: missed }, 'reconciliation enqueued changes the listener had not taken in');
      await this.o.revive?.();
    } catch (err) {
      this.o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'reconciliation failed; next period retries');
    }
    return missed;
  }

  private async take(frame: RealtimeFrame): Promise<void> {
    const p = frame.payload as P;
    const threadId = p.threadId as string | undefined;
    if (!threadId) return;
    switch (frame.type) {
      case 'participantsAdded':
        if ((p.participantsAdded as P[]).some((x) => userOf(x.id) === this.o.botId)) {
          const at = Date.parse(String(p.addedOn));
          await this.joined(threadId, at);
          // Only on the event itself, never in a catch-up: a restart does not say hello again.
          await this.o.intake.greet(threadId, at);
        }
        return;
      case 'participantsRemoved':
        if ((p.participantsRemoved as P[]).some((x) => userOf(x.id) === this.o.botId)) await this.left(threadId);
        return;
      case 'chatThreadDeleted':
        await this.left(threadId);
        return;
      case 'chatMessageReceived':
      case 'chatMessageEdited':
      case 'chatMessageDeleted':
        break;
      default:
        return;
    }
    if (this.behind || !(await this.serves(threadId))) return;
    const sender = userOf(p.sender);
    if (sender === this.o.botId || isBotMetadata(p.metadata as Record<string, string> | undefined)) return;
    if (!messageFormat(String(p.type))) return;
    const kind = frame.type === 'chatMessageReceived' ? 'received' : frame.type === 'chatMessageEdited' ? 'edited' : 'deleted';
    const at = kind === 'received' ? p.createdOn : kind === 'edited' ? p.editedOn : p.deletedOn;
    // The event carries the message: the worker then needs no read from the backend.
    const message =
      kind !== 'deleted' && typeof p.message === 'string' && sender
        ? {
            type: String(p.type),
            content: p.message,
            senderId: sender,
            senderDisplayName: typeof p.senderDisplayName === 'string' ? p.senderDisplayName : undefined,
            metadata: (p.metadata as Record<string, string> | undefined) ?? undefined,
          }
        : undefined;
    await this.enqueue({ threadId, messageId: String(p.id), version: String(p.version), kind, changedAt: Date.parse(String(at)), message });
  }

  private async enqueue(change: MessageChange): Promise<void> {
    try {
      await this.o.intake.enqueue(change);
    } catch (err) {
      // The cursor did not move: the next catch-up re-reads this change from the backend.
      this.fallBehind(err, 'enqueue failed; will catch up', change.threadId);
    }
  }

  /** Until a catch-up succeeds, live events are left to it (taking them now would skip the gap). */
  private fallBehind(err: unknown, msg: string, threadId?: string): void {
    this.o.logger.warn({ err: err instanceof Error ? err.message : String(err), threadId }, msg);
    this.behind = true;
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.catchUp().catch(() => undefined);
    }, this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, 30_000);
  }

  private async catchUpAll(): Promise<void> {
    try {
      const ids = await this.o.settings.threadIds();
      this.served = new Set(ids);
      for (const threadId of ids) await this.catchUpThread(threadId);
      this.behind = false;
      this.retryDelay = this.o.retryDelayMs ?? 500;
      // Back after an outage: jobs that failed for a transient reason meanwhile go again.
      await this.o.revive?.().catch((err: Error) => this.o.logger.warn({ err: err.message }, 'could not bring failed jobs back'));
    } catch (err) {
      this.fallBehind(err, 'catch-up failed; retrying');
    }
  }

  /** Enqueues what the thread shows from its cursor (less `lookbackMs`); returns the changes past the cursor. */
  private async catchUpThread(threadId: string, lookbackMs = 0): Promise<number> {
    const settings = await this.o.settings.get(threadId);
    if (!settings) return 0;
    const cursor = (await this.o.settings.cursor(threadId)) ?? settings.addedOn;
    const changes: MessageChange[] = [];
    try {
      for await (const m of this.o.client.listMessages(threadId, { startTime: new Date(Math.max(settings.addedOn, cursor - lookbackMs)) })) {
        const change = changeOf(threadId, m, this.o.botId);
        if (change) changes.push(change);
      }
    } catch (err) {
      if (err instanceof ChatApiError && (err.status === 403 || err.status === 404)) {
        await this.left(threadId);
        return 0;
      }
      throw err;
    }
    changes.sort((a, b) => a.changedAt - b.changedAt);
    for (const change of changes) await this.o.intake.enqueue(change);
    const beyond = changes.filter((c) => c.changedAt > cursor).length;
    if (beyond) this.o.logger.info({ threadId, count: beyond }, 'caught up');
    return beyond;
  }

  private async serves(threadId: string): Promise<boolean> {
    if (this.served.has(threadId)) return true;
    if (await this.o.settings.get(threadId)) {
      this.served.add(threadId);
      return true;
    }
    return false;
  }

  private async joined(threadId: string, at: number): Promise<void> {
    const existing = await this.o.settings.get(threadId);
    if (!existing) await this.o.settings.put(threadId, { addedOn: at });
    if ((await this.o.settings.cursor(threadId)) === null) await this.o.settings.advanceCursor(threadId, at);
    this.served.add(threadId);
    this.o.logger.info({ threadId }, 'joined thread');
  }

  private async left(threadId: string): Promise<void> {
    this.served.delete(threadId);
    await this.o.settings.remove(threadId);
    this.o.logger.info({ threadId }, 'left thread');
  }

  close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.reconcileTimer);
    return Promise.all([this.barrier, this.reconciling, ...this.threads.values()]).then(() => undefined);
  }
}
