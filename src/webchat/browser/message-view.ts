/**
 * One message as the reader sees it: the text in their language (or the original), the marker that
 * says so, the sentiment badge, and for one's own messages edit / delete and "seen by".
 */
import type { FoldedMessage } from '../../client/fold/index.js';
import { h } from './dom.js';
import { clockTime, fullTime, hueOf, initials, languageName } from './format.js';
import { sanitizedFragment } from './safe-html.js';

export interface MessageViewState {
  showOriginal: boolean;
  editing: boolean;
  /** Names of people who have read up to this message (own last message only). */
  seenBy: string[];
  /** Display name to show (participants list beats the name the message carries). */
  senderName: string;
  own: boolean;
}

export interface MessageActions {
  toggleOriginal(id: string): void;
  startEdit(id: string): void;
  saveEdit(id: string, text: string): void;
  cancelEdit(): void;
  remove(id: string): void;
}

/** A string that changes whenever the rendered element would: unchanged elements are kept as they are. */
export function renderKey(f: FoldedMessage, s: MessageViewState): string {
  return JSON.stringify([f.message.version, f.shown, f.state, f.sentiment, f.sourceLanguage, s]);
}

export function messageView(f: FoldedMessage, s: MessageViewState, act: MessageActions): HTMLLIElement {
  const id = f.message.id;
  if (f.format === 'system') return h('li', { class: 'msg-system', 'data-id': id }, systemText(f));
  const showingOriginal = s.showOriginal && f.state.kind === 'translated';
  const text = showingOriginal ? f.original : f.shown;
  const body = h('div', { class: 'body', lang: f.state.kind === 'translated' && !showingOriginal ? f.state.language : null });
  if (f.format === 'html') body.appendChild(sanitizedFragment(text));
  else body.textContent = text;

  const meta = h(
    'div',
    { class: 'meta' },
    h('span', { class: 'who' }, s.own ? 'You' : s.senderName),
    h('time', { datetime: f.message.createdOn.toISOString(), title: fullTime(f.message.createdOn) }, clockTime(f.message.createdOn)),
    f.message.editedOn ? h('span', { class: 'edited', title: `Edited ${fullTime(f.message.editedOn)}` }, 'edited') : null,
    f.sentiment ? h('span', { class: `sentiment sentiment-${f.sentiment}`, title: 'Sentiment (parley analysis)' }, f.sentiment) : null,
    s.own && !s.editing ? ownActions(id, act) : null,
  );
  const bubble = s.editing ? editor(f, act) : h('div', { class: 'bubble' }, body);
  return h(
    'li',
    { class: `msg${s.own ? ' own' : ''}${f.fromBot ? ' from-bot' : ''}`, 'data-id': id, 'data-state': f.state.kind },
    s.own ? null : h('span', { class: 'avatar', 'aria-hidden': 'true', 'data-hue': String(hueOf(f.senderId ?? '') % 12) }, initials(s.senderName)),
    h('div', { class: 'stack' }, meta, bubble, note(f, showingOriginal, act), s.seenBy.length ? h('div', { class: 'seen' }, `Seen by ${s.seenBy.join(', ')}`) : null),
  );
}

function note(f: FoldedMessage, showingOriginal: boolean, act: MessageActions): HTMLElement | null {
  const st = f.state;
  if (st.kind === 'translated') {
    const from = f.sourceLanguage ? `Translated from ${languageName(f.sourceLanguage)}` : `Translated into ${languageName(st.language)}`;
    return h(
      'div',
      { class: 'note' },
      showingOriginal ? 'Original' : from,
      ' · ',
      h('button', { type: 'button', class: 'link', 'aria-pressed': showingOriginal ? 'true' : 'false', on: { click: () => act.toggleOriginal(f.message.id) } }, showingOriginal ? `Show ${languageName(st.language)}` : 'Show original'),
    );
  }
  if (st.kind === 'pending') return h('div', { class: 'note pending' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Translating…');
  if (st.kind === 'not-translated') return h('div', { class: 'note warn', title: st.reason }, `Not translated into ${languageName(st.language)} — showing the original`);
  return null;
}

function ownActions(id: string, act: MessageActions): HTMLElement {
  return h(
    'div',
    { class: 'actions', role: 'group', 'aria-label': 'Your message' },
    h('button', { type: 'button', class: 'link', on: { click: () => act.startEdit(id) } }, 'Edit'),
    h('button', { type: 'button', class: 'link danger', on: { click: () => act.remove(id) } }, 'Delete'),
  );
}

function editor(f: FoldedMessage, act: MessageActions): HTMLElement {
  const box = h('textarea', { class: 'edit-box', 'aria-label': 'Edit message', rows: 2 });
  box.value = f.original;
  const save = () => act.saveEdit(f.message.id, box.value);
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      save();
    } else if (e.key === 'Escape') act.cancelEdit();
  });
  queueMicrotask(() => {
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  });
  return h(
    'div',
    { class: 'bubble editing' },
    box,
    h('div', { class: 'edit-actions' }, h('button', { type: 'button', on: { click: save } }, 'Save'), h('button', { type: 'button', class: 'secondary', on: { click: () => act.cancelEdit() } }, 'Cancel')),
  );
}

function systemText(f: FoldedMessage): string {
  const c = f.message.content;
  const names = (c?.participants ?? []).map((p) => p.displayName || 'someone').join(', ');
  switch (f.message.type) {
    case 'topicUpdated':
      return `Topic changed to “${c?.topic ?? ''}”`;
    case 'participantAdded':
      return `${names} joined`;
    case 'participantRemoved':
      return `${names} left`;
    default:
      return '';
  }
}
