/**
 * One thread as the page knows it: its messages by id (so a message seen in a page, an event and a
 * catch-up is kept once, at its newest version), the time of the last change seen (where a
 * reconnect resumes), older pages, participants, read receipts and who is typing.
 */
import type { ChatMessage, ChatThreadClient } from '@azure/communication-chat';
import { compareVersions, senderIdOf } from '../../client/fold/index.js';

const PAGE_SIZE = 50;

export interface Participant {
  id: string;
  displayName: string;
}

export class ThreadStore {
  readonly messages = new Map<string, ChatMessage>();
  readonly participants = new Map<string, Participant>();
  /** userId → id of the newest message they have read. */
  readonly receipts = new Map<string, string>();
  /** userId → display name and when the indicator lapses (epoch ms). */
  readonly typing = new Map<string, { name: string; until: number }>();
  topic = '';
  /** The newest createdOn / editedOn / deletedOn seen: `listMessages({ startTime })` resumes here. */
  lastChange = new Date(0);
  hasOlder = true;
  loaded = false;
  /**
   * The reader was removed: the history up to the removal stays readable (as it was then), while
   * participants, receipts, typing and sending answer 403.
   */
  left = false;
  private pages?: AsyncIterableIterator<ChatMessage[]>;

  constructor(
    readonly id: string,
    readonly client: ChatThreadClient,
  ) {}

  /** Keeps the newest version of a message; returns whether anything changed. */
  upsert(m: ChatMessage): boolean {
    const seen = this.messages.get(m.id);
    for (const d of [m.createdOn, m.editedOn, m.deletedOn]) if (d && d > this.lastChange) this.lastChange = d;
    if (seen && (seen.deletedOn || (!m.deletedOn && compareVersions(m.version, seen.version) <= 0))) return false;
    this.messages.set(m.id, seen && m.deletedOn ? { ...seen, deletedOn: m.deletedOn, content: m.content ?? seen.content } : m);
    return true;
  }

  /** The first page (newest messages), participants, receipts and topic. */
  async load(): Promise<void> {
    this.pages = this.client.listMessages({ maxPageSize: PAGE_SIZE }).byPage({ maxPageSize: PAGE_SIZE });
    const [, props] = await Promise.all([this.loadOlder(), this.client.getProperties(), this.loadParticipants(), this.loadReceipts()]);
    this.topic = props.topic;
    this.loaded = true;
  }

  /** The next page back in history; false when there is none. */
  async loadOlder(): Promise<boolean> {
    if (!this.pages || !this.hasOlder) return false;
    const next = await this.pages.next();
    if (next.done || !next.value.length) {
      this.hasOlder = false;
      return false;
    }
    for (const m of next.value) this.upsert(m);
    if (next.value.length < PAGE_SIZE) this.hasOlder = false;
    return true;
  }

  /**
   * Every change since `since` (after a reconnect): nothing missed, nothing doubled. The caller takes
   * `since` from {@link lastChange} when the connection comes back, before anything can await: a live
   * event arriving meanwhile moves `lastChange` past what was missed while offline.
   */
  async catchUp(since: Date = this.lastChange): Promise<number> {
    let n = 0;
    for await (const m of this.client.listMessages({ startTime: since, maxPageSize: 200 })) if (this.upsert(m)) n++;
    return n;
  }

  /** The participant list; kept as it was when the reader is no longer one of them. */
  async loadParticipants(): Promise<void> {
    const next = new Map<string, Participant>();
    if (
      !(await this.unlessLeft(async () => {
        for await (const p of this.client.listParticipants()) {
          const id = senderIdOf({ sender: p.id as ChatMessage['sender'] }) ?? ('rawId' in p.id ? String(p.id.rawId) : '');
          if (id) next.set(id, { id, displayName: p.displayName ?? '' });
        }
      }))
    ) {
      return;
    }
    this.participants.clear();
    for (const [id, p] of next) this.participants.set(id, p);
  }

  async loadReceipts(): Promise<void> {
    await this.unlessLeft(async () => {
      for await (const r of this.client.listReadReceipts()) {
        const who = senderIdOf({ sender: r.sender });
        if (who) this.noteReceipt(who, r.chatMessageId);
      }
    });
  }

  /** Runs a members-only call; a 403 means the reader was removed (false), anything else is thrown. */
  private async unlessLeft(call: () => Promise<void>): Promise<boolean> {
    try {
      await call();
      this.left = false;
      return true;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 403) throw err;
      this.left = true;
      return false;
    }
  }

  noteReceipt(userId: string, messageId: string): void {
    const seen = this.receipts.get(userId);
    if (!seen || compareVersions(messageId, seen) > 0) this.receipts.set(userId, messageId);
  }
}
