/** The side panels (threads with unread counts, people) and the "seen by" line. */
import { foldThread, type FoldedMessage } from '../../client/fold/index.js';
import { h, setChildren } from './dom.js';
import { hueOf, initials, shortTime } from './format.js';
import type { ThreadStore } from './thread-store.js';

/** localStorage keys: the languages a person reads, and what the bot was told in a thread. */
export const readsKey = (userId: string): string => `parley.reads.${userId}`;
export const toldKey = (userId: string, threadId: string): string => `parley.told.${userId}.${threadId}`;

/** Messages from other people (not the bot), newer than the reader's own read receipt, among those the page holds. */
export function unreadCount(store: ThreadStore | undefined, me: string, reads: string[], botId: string | undefined): number {
  if (!store?.loaded) return 0;
  const read = Number(store.receipts.get(me) ?? 0);
  return foldThread(store.messages.values(), { readerLanguages: reads, readerId: me, botId }).messages.filter(
    (f) => f.format !== 'system' && !f.fromBot && f.senderId !== me && Number(f.message.id) > read,
  ).length;
}

/** For the reader's newest own message: who (besides the bot) has read up to it. */
export function seenByFor(messages: FoldedMessage[], store: ThreadStore, me: string, botId: string | undefined): Map<string, string[]> {
  const lastOwn = messages.filter((f) => f.senderId === me && f.format !== 'system').at(-1);
  const out = new Map<string, string[]>();
  if (!lastOwn) return out;
  const names: string[] = [];
  for (const [userId, messageId] of store.receipts) {
    if (userId === me || userId === botId || Number(messageId) < Number(lastOwn.message.id)) continue;
    names.push(store.participants.get(userId)?.displayName || 'someone');
  }
  if (names.length) out.set(lastOwn.message.id, names.sort());
  return out;
}

export function renderThreadList(
  list: HTMLUListElement,
  titles: Map<string, { topic: string; last?: Date }>,
  stores: Map<string, ThreadStore>,
  activeId: string,
  unread: (id: string) => number,
  open: (id: string) => void,
): void {
  const ids = [...new Set([activeId, ...titles.keys()])].sort((a, b) => (titles.get(b)?.last?.getTime() ?? 0) - (titles.get(a)?.last?.getTime() ?? 0));
  setChildren(
    list,
    ...ids.map((id) => {
      const t = titles.get(id);
      const topic = stores.get(id)?.topic || t?.topic || 'Untitled thread';
      const count = id === activeId ? 0 : unread(id);
      return h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: `thread${id === activeId ? ' active' : ''}`, 'aria-current': id === activeId ? 'true' : null, 'data-thread-id': id, on: { click: () => open(id) } },
          h('span', { class: 'thread-topic' }, topic),
          t?.last ? h('span', { class: 'thread-time' }, shortTime(t.last)) : null,
          count ? h('span', { class: 'unread', 'aria-label': `${count} unread` }, String(count)) : null,
        ),
      );
    }),
  );
}

export function renderParticipants(list: HTMLUListElement, store: ThreadStore, me: string, botId: string | undefined): void {
  const people = [...store.participants.values()].sort((a, b) => Number(b.id === me) - Number(a.id === me) || a.displayName.localeCompare(b.displayName));
  setChildren(
    list,
    ...people.map((p) =>
      h(
        'li',
        { class: 'person' },
        h('span', { class: 'avatar', 'aria-hidden': 'true', 'data-hue': String(hueOf(p.id) % 12) }, initials(p.displayName || '?')),
        h('span', { class: 'person-name' }, p.displayName || 'someone'),
        p.id === me ? h('span', { class: 'tag' }, 'you') : null,
        p.id === botId ? h('span', { class: 'tag bot' }, 'translator') : null,
      ),
    ),
  );
}
