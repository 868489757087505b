/**
 * The web chat: the signed-in person's threads, one conversation folded for their languages, live
 * over `/notifications`. Every REST call goes through the official ACS SDK.
 */
import type { ChatClient } from '@azure/communication-chat';
import { foldThread, type FoldedThread } from '../../client/fold/index.js';
import { parseLanguageList } from '../../bot/decide/commands.js';
import { h, setChildren } from './dom.js';
import { messageFromFrame, rawIdOf } from './events.js';
import { languageList } from './format.js';
import type { Layout } from './layout.js';
import { LiveConnection, type Frame, type LiveState } from './live.js';
import { messageView, renderKey, type MessageActions } from './message-view.js';
import { readsKey, renderParticipants, renderThreadList, seenByFor, toldKey, unreadCount } from './panels.js';
import { rememberReads, type Session } from './session.js';
import { ThreadStore } from './thread-store.js';

export interface BotInfo {
  userId: string;
  displayName: string;
}

export interface AppDeps {
  session: Session;
  chat: ChatClient;
  ui: Layout;
  /** Reads `GET /parley/bot`; undefined when no bot is known (yet). */
  fetchBot: () => Promise<BotInfo | undefined>;
  /** Called when the token is refused or expired: the page shows how to get a new link. */
  onSignedOut: () => void;
}

const TYPING_SHOWN_MS = 8000;

export class ChatApp {
  readonly threads = new Map<string, ThreadStore>();
  private readonly titles = new Map<string, { topic: string; last?: Date }>();
  private active!: ThreadStore;
  private bot?: BotInfo;
  private reads: string[];
  private readonly showOriginal = new Set<string>();
  private editingId?: string;
  private readonly rendered = new Map<string, { key: string; el: HTMLLIElement }>();
  private folded: FoldedThread = { messages: [], replies: [] };
  private live?: LiveConnection;
  /** Commands whose answer was shown (or was already history when the thread opened). */
  private readonly answered = new Set<string>();
  /** While a thread's history is first rendered: answers found there are old news, not notices. */
  private quietReplies = false;
  private readonly actions: MessageActions;

  constructor(private readonly d: AppDeps) {
    const stored = localStorage.getItem(readsKey(d.session.userId));
    this.reads = d.session.reads.length ? d.session.reads : stored ? stored.split(',').filter(Boolean) : [];
    // Whoever made the link stored these languages for its thread already (as `/parley me` would).
    const told = toldKey(d.session.userId, d.session.threadId);
    if (d.session.reads.length && !localStorage.getItem(told)) localStorage.setItem(told, d.session.reads.join(','));
    this.actions = {
      toggleOriginal: (id) => {
        if (!this.showOriginal.delete(id)) this.showOriginal.add(id);
        this.render();
      },
      startEdit: (id) => {
        this.editingId = id;
        this.render();
      },
      cancelEdit: () => {
        this.editingId = undefined;
        this.render();
        d.ui.box.focus();
      },
      saveEdit: (id, text) => void this.saveEdit(id, text),
      remove: (id) => void this.guard(this.active.client.deleteMessage(id)),
    };
  }

  async start(): Promise<void> {
    const { ui, session } = this.d;
    ui.me.textContent = `Signed in as ${session.displayName || 'you'}`;
    ui.reads.value = this.reads.join(', ');
    this.wireComposer();
    ui.readsForm.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.saveReads(ui.reads.value);
    });
    ui.older.addEventListener('click', () => void this.loadOlder());
    ui.log.addEventListener('scroll', () => {
      if (ui.log.scrollTop < 40 && this.active.hasOlder) void this.loadOlder();
    });
    document.addEventListener('visibilitychange', () => this.markRead());
    window.setTimeout(() => this.d.onSignedOut(), Math.min(session.expiresAt - Date.now(), 2 ** 31 - 1));
    window.setInterval(() => this.expireTyping(), 1000);

    this.bot = await this.d.fetchBot();
    await this.guard(this.loadThreadList());
    await this.open(session.threadId);
    this.live = new LiveConnection({
      url: `${location.origin.replace(/^http/, 'ws')}/notifications`,
      token: () => session.token,
      onFrame: (f) => this.onFrame(f),
      // Also on the first connection: a message sent between the first page and the socket counts.
      onConnected: () => void this.resume(),
      onState: (s) => this.onLiveState(s),
    });
    this.live.start();
  }

  /** Opens a thread: loads it if needed, tells the bot the reader's languages once, renders. */
  async open(threadId: string): Promise<void> {
    const store = this.store(threadId);
    this.active = store;
    this.rendered.clear();
    this.d.ui.messages.replaceChildren();
    this.showOriginal.clear();
    this.editingId = undefined;
    if (!store.loaded) await this.guard(store.load());
    this.quietReplies = true;
    this.render({ toBottom: true });
    this.quietReplies = false;
    if (store.left) this.noticeMembership();
    await this.tellLanguages(store);
    this.markRead();
  }

  private store(threadId: string): ThreadStore {
    let s = this.threads.get(threadId);
    if (!s) this.threads.set(threadId, (s = new ThreadStore(threadId, this.d.chat.getChatThreadClient(threadId))));
    return s;
  }

  private async loadThreadList(): Promise<void> {
    for await (const t of this.d.chat.listChatThreads({ maxPageSize: 50 })) {
      if (t.deletedOn) continue;
      this.titles.set(t.id, { topic: t.topic, last: t.lastMessageReceivedOn });
      if (this.titles.size >= 50) break;
    }
    // Unread counts of the other threads come from their first page and the reader's receipt.
    const others = [...this.titles.keys()].filter((id) => id !== this.d.session.threadId).slice(0, 20);
    await Promise.all(others.map((id) => this.store(id).load().catch(() => undefined)));
  }

  private onFrame(frame: Frame): void {
    const threadId = typeof frame.payload.threadId === 'string' ? frame.payload.threadId : '';
    const store = this.threads.get(threadId);
    switch (frame.type) {
      case 'chatMessageReceived':
      case 'chatMessageEdited':
      case 'chatMessageDeleted': {
        const m = messageFromFrame(frame);
        if (!m) return;
        (store ?? this.store(threadId)).upsert(m);
        const title = this.titles.get(threadId) ?? { topic: '' };
        if (frame.type === 'chatMessageReceived') this.titles.set(threadId, { ...title, last: m.createdOn });
        const sender = rawIdOf(frame.payload.sender);
        store?.typing.delete(sender);
        break;
      }
      case 'typingIndicatorReceived':
        store?.typing.set(rawIdOf(frame.payload.sender), { name: String(frame.payload.senderDisplayName || 'Someone'), until: Date.now() + TYPING_SHOWN_MS });
        break;
      case 'readReceiptReceived':
        store?.noteReceipt(rawIdOf(frame.payload.sender), String(frame.payload.chatMessageId));
        break;
      case 'participantsAdded':
      case 'participantsRemoved': {
        if (!store) break;
        const list = frame.payload[frame.type === 'participantsAdded' ? 'participantsAdded' : 'participantsRemoved'];
        const me = Array.isArray(list) && list.some((p) => rawIdOf((p as { id?: unknown } | null)?.id) === this.d.session.userId);
        if (me) store.left = frame.type === 'participantsRemoved';
        // Removed, the list stays as it was (the reader may no longer read it).
        if (!store.left) void this.guard(store.loadParticipants()).then(() => this.render());
        if (me && store === this.active) this.noticeMembership();
        break;
      }
      case 'chatThreadPropertiesUpdated': {
        const topic = String((frame.payload.properties as { topic?: unknown } | undefined)?.topic ?? '');
        if (store) store.topic = topic;
        this.titles.set(threadId, { ...(this.titles.get(threadId) ?? {}), topic });
        break;
      }
      case 'chatThreadDeleted':
        this.titles.delete(threadId);
        if (store === this.active) this.notice('This thread was deleted; its history is gone.', 'error');
        else this.threads.delete(threadId);
        break;
      case 'chatThreadCreated':
        void this.guard(this.loadThreadList()).then(() => this.render());
        return;
      default:
        return;
    }
    this.render();
    if (store === this.active) this.markRead();
  }

  /** After a reconnect: every change since the last one seen, in every thread the page holds. */
  private async resume(): Promise<void> {
    // Where each thread resumes is fixed now, as the connection comes back: events of the new
    // connection may arrive while this awaits, and would move the point past what was missed.
    const points = [...this.threads.values()].filter((s) => s.loaded).map((s) => [s, s.lastChange] as const);
    this.bot ??= await this.d.fetchBot();
    await Promise.all(points.map(([s, since]) => this.guard(s.catchUp(since))));
    this.render();
    this.markRead();
  }

  /** Says whether the reader was removed from the open thread (or is back in it). */
  private noticeMembership(): void {
    if (this.active.left) this.notice('You were removed from this thread. What was said until then stays readable here; you can no longer write in it.');
    else this.d.ui.notice.hidden = true;
  }

  private onLiveState(state: LiveState): void {
    const labels: Record<LiveState, string> = {
      connecting: 'Connecting…',
      live: 'Live',
      reconnecting: 'Reconnecting…',
      crowded: 'Too many tabs',
      expired: 'Signed out',
      stopped: 'Offline',
    };
    const wasCrowded = this.d.ui.conn.dataset.state === 'crowded';
    this.d.ui.conn.textContent = labels[state];
    this.d.ui.conn.dataset.state = state;
    if (state === 'crowded' && !wasCrowded) {
      this.notice('This link is open in too many tabs or windows at once; close some and this one reconnects by itself.', 'error');
    }
    if (state === 'live' && wasCrowded) this.d.ui.notice.hidden = true;
    if (state === 'expired') this.d.onSignedOut();
    // A refused reconnection may be a revoked token: one cheap call tells.
    if (state === 'reconnecting') void this.guard(this.active.client.getProperties());
  }

  render(opts: { toBottom?: boolean; keepFromBottom?: boolean } = {}): void {
    const { ui, session } = this.d;
    const store = this.active;
    const log = ui.log;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 60;
    const fromBottom = log.scrollHeight - log.scrollTop;

    this.folded = foldThread(store.messages.values(), { readerLanguages: this.reads, readerId: session.userId, botId: this.bot?.userId });
    const names = (id: string | undefined, fallback: string) => (id ? store.participants.get(id)?.displayName : undefined) || fallback || 'Someone';
    const seen = seenByFor(this.folded.messages, store, session.userId, this.bot?.userId);
    const wanted: HTMLLIElement[] = [];
    const keep = new Set<string>();
    for (const f of this.folded.messages) {
      const state = {
        showOriginal: this.showOriginal.has(f.message.id),
        editing: this.editingId === f.message.id,
        seenBy: seen.get(f.message.id) ?? [],
        senderName: f.fromBot ? (this.bot?.displayName ?? names(f.senderId, f.message.senderDisplayName ?? '')) : names(f.senderId, f.message.senderDisplayName ?? ''),
        own: f.senderId === session.userId,
      };
      const key = renderKey(f, state);
      let entry = this.rendered.get(f.message.id);
      if (!entry || entry.key !== key) this.rendered.set(f.message.id, (entry = { key, el: messageView(f, state, this.actions) }));
      wanted.push(entry.el);
      keep.add(f.message.id);
    }
    for (const id of [...this.rendered.keys()]) if (!keep.has(id)) this.rendered.delete(id);
    // Move only what is out of place, so a focused element (an edit box) keeps its focus.
    wanted.forEach((el, i) => {
      if (ui.messages.children[i] !== el) ui.messages.insertBefore(el, ui.messages.children[i] ?? null);
    });
    while (ui.messages.children.length > wanted.length) ui.messages.lastElementChild!.remove();

    ui.older.hidden = !store.hasOlder;
    ui.box.disabled = store.left;
    ui.box.placeholder = store.left ? 'You are no longer in this thread' : 'Write a message…';
    ui.composer.querySelectorAll('button').forEach((b) => (b.disabled = store.left));
    ui.topic.textContent = store.topic || 'Untitled thread';
    ui.people.textContent = [...store.participants.values()].map((p) => (p.id === session.userId ? 'you' : p.displayName || 'someone')).join(', ');
    renderParticipants(ui.participants, store, session.userId, this.bot?.userId);
    renderThreadList(ui.threads, this.titles, this.threads, store.id, (id) => unreadCount(this.threads.get(id), session.userId, this.reads, this.bot?.userId), (id) => void this.open(id));
    this.renderTyping();
    this.showReply();
    if (opts.toBottom || (atBottom && !opts.keepFromBottom)) log.scrollTop = log.scrollHeight;
    else log.scrollTop = log.scrollHeight - fromBottom;
  }

  private renderTyping(): void {
    const names = [...this.active.typing.entries()].filter(([id, t]) => id !== this.d.session.userId && t.until > Date.now()).map(([, t]) => t.name);
    this.d.ui.typing.textContent = names.length === 0 ? '' : names.length === 1 ? `${names[0]} is typing…` : `${names.join(', ')} are typing…`;
  }

  private expireTyping(): void {
    if (!this.active) return;
    for (const [id, t] of this.active.typing) if (t.until <= Date.now()) this.active.typing.delete(id);
    this.renderTyping();
  }

  /** The bot's answer to the reader's own latest command, as a notice (commands are not history). */
  private showReply(): void {
    const mine = this.folded.replies.filter((r) => r.commandSenderId === this.d.session.userId).at(-1);
    if (!mine || this.answered.has(mine.commandId)) return;
    this.answered.add(mine.commandId);
    if (this.quietReplies) return;
    this.notice(mine.text);
  }

  notice(text: string, kind: 'info' | 'error' = 'info'): void {
    const n = this.d.ui.notice;
    setChildren(n, h('span', { class: 'notice-text' }, text), h('button', { type: 'button', class: 'dismiss', 'aria-label': 'Dismiss', on: { click: () => (n.hidden = true) } }, '×'));
    n.dataset.kind = kind;
    // A failure is announced at once by screen readers; information waits its turn.
    n.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    n.hidden = !text;
  }

  private async loadOlder(): Promise<void> {
    if (await this.guard(this.active.loadOlder())) this.render({ keepFromBottom: true });
  }

  private wireComposer(): void {
    const { box, composer } = this.d.ui;
    const send = () => {
      const text = box.value.trim();
      if (!text) return;
      box.value = '';
      this.autosize();
      void this.guard(this.active.client.sendMessage({ content: text }, { senderDisplayName: this.d.session.displayName, type: 'text' })).then((r) => {
        if (!r) box.value ||= text;
      });
    };
    composer.addEventListener('submit', (e) => {
      e.preventDefault();
      send();
    });
    box.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        send();
      }
    });
    box.addEventListener('input', () => {
      this.autosize();
      if (box.value.trim() && !this.active.left) void this.active.client.sendTypingNotification({ senderDisplayName: this.d.session.displayName }).catch(() => undefined);
    });
  }

  private autosize(): void {
    const box = this.d.ui.box;
    box.style.height = 'auto';
    box.style.height = `${Math.min(box.scrollHeight, 160)}px`;
  }

  private async saveEdit(id: string, text: string): Promise<void> {
    const content = text.trim();
    this.editingId = undefined;
    if (content) await this.guard(this.active.client.updateMessage(id, { content }));
    this.render();
    this.d.ui.box.focus();
  }

  /** Saves the reader's languages and tells the bot in this thread (`/parley me …`). */
  private async saveReads(input: string): Promise<void> {
    const parsed = input.trim() ? parseLanguageList(input) : { languages: [] as string[] };
    if ('error' in parsed) return this.notice(parsed.error, 'error');
    this.reads = parsed.languages;
    localStorage.setItem(readsKey(this.d.session.userId), this.reads.join(','));
    rememberReads(this.reads);
    this.d.ui.reads.value = this.reads.join(', ');
    this.render();
    // Said before the command goes out: the bot's answer may arrive before the send resolves, and must not be overwritten.
    this.notice(this.reads.length ? `You read ${languageList(this.reads)}. New messages will be translated for you.` : 'No languages set: you see every message as it was written.');
    await this.tellLanguages(this.active);
  }

  private async tellLanguages(store: ThreadStore): Promise<void> {
    const key = toldKey(this.d.session.userId, store.id);
    const value = this.reads.join(',') || 'none';
    if (store.left || localStorage.getItem(key) === value || (!this.reads.length && !localStorage.getItem(key))) return;
    if (await this.guard(store.client.sendMessage({ content: `/parley me ${value}` }, { senderDisplayName: this.d.session.displayName }))) localStorage.setItem(key, value);
  }

  /** Tells the others the reader has seen the newest message (only while the page is visible). */
  private markRead(): void {
    if (document.visibilityState !== 'visible' || !this.active || this.active.left) return;
    const newest = this.folded.messages.filter((f) => f.format !== 'system' && f.senderId !== this.d.session.userId).at(-1);
    if (!newest) return;
    const mine = this.active.receipts.get(this.d.session.userId);
    if (mine && Number(mine) >= Number(newest.message.id)) return;
    this.active.noteReceipt(this.d.session.userId, newest.message.id);
    void this.guard(this.active.client.sendReadReceipt({ chatMessageId: newest.message.id }));
  }

  /** Runs a call; a refused token signs the page out, other failures become a notice. */
  private async guard<T>(p: Promise<T>): Promise<T | undefined> {
    try {
      return await p;
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 401) this.d.onSignedOut();
      else this.notice(`Something went wrong: ${(err as Error).message}`, 'error');
      return undefined;
    }
  }

  stop(): void {
    this.live?.stop();
  }
}
