/** The page's fixed frame: threads on the left, the conversation in the middle, people on the right. */
import { h } from './dom.js';

export interface Layout {
  root: HTMLElement;
  me: HTMLElement;
  threads: HTMLUListElement;
  topic: HTMLElement;
  people: HTMLElement;
  conn: HTMLElement;
  readsForm: HTMLFormElement;
  reads: HTMLInputElement;
  notice: HTMLElement;
  log: HTMLElement;
  older: HTMLButtonElement;
  messages: HTMLOListElement;
  typing: HTMLElement;
  composer: HTMLFormElement;
  box: HTMLTextAreaElement;
  participants: HTMLUListElement;
}

export function buildLayout(): Layout {
  const threads = h('ul', { class: 'threads' });
  const me = h('div', { class: 'me' });
  const topic = h('h1', { class: 'topic' });
  const people = h('p', { class: 'people' });
  const conn = h('span', { class: 'conn', role: 'status' });
  const reads = h('input', { id: 'reads', name: 'reads', type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. es, en', 'aria-describedby': 'reads-hint' });
  const readsForm = h(
    'form',
    { class: 'reads' },
    h('label', { for: 'reads' }, 'I read'),
    reads,
    h('button', { type: 'submit' }, 'Save'),
    h('span', { id: 'reads-hint', class: 'visually-hidden' }, 'Language codes separated by commas, in order of preference. parley translates messages into the first one for you.'),
  );
  const notice = h('div', { class: 'notice', role: 'status', hidden: true });
  const older = h('button', { type: 'button', class: 'older', hidden: true }, 'Load older messages');
  const messages = h('ol', { class: 'messages' });
  const log = h('section', { class: 'log', role: 'log', 'aria-label': 'Messages', tabindex: 0 }, older, messages);
  const typing = h('p', { class: 'typing', 'aria-live': 'polite' });
  const box = h('textarea', { id: 'box', class: 'box', rows: 1, placeholder: 'Write a message…', 'aria-describedby': 'box-hint' });
  const composer = h(
    'form',
    { class: 'composer' },
    h('label', { for: 'box', class: 'visually-hidden' }, 'Message'),
    box,
    h('span', { id: 'box-hint', class: 'visually-hidden' }, 'Enter sends; Shift+Enter starts a new line.'),
    h('button', { type: 'submit', class: 'send' }, 'Send'),
  );
  const participants = h('ul', { class: 'participants' });
  const root = h(
    'div',
    { class: 'shell' },
    h('aside', { class: 'sidebar', 'aria-label': 'Your threads' }, h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, 'p'), 'parley'), me, h('h2', { class: 'side-title' }, 'Threads'), h('nav', { 'aria-label': 'Threads' }, threads)),
    h(
      'main',
      { class: 'chat' },
      h('header', { class: 'chat-head' }, h('div', { class: 'title' }, topic, people), readsForm, conn),
      notice,
      log,
      typing,
      composer,
    ),
    h('aside', { class: 'people-panel', 'aria-label': 'People in this thread' }, h('h2', { class: 'side-title' }, 'People'), participants),
  );
  return { root, me, threads, topic, people, conn, readsForm, reads, notice, log, older, messages, typing, composer, box, participants };
}

/** A full-page message instead of the chat (no link, an expired link). */
export function problemPage(title: string, ...lines: Array<string | HTMLElement>): HTMLElement {
  return h('main', { class: 'problem' }, h('div', { class: 'card' }, h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, 'p'), 'parley'), h('h1', {}, title), ...lines.map((l) => (typeof l === 'string' ? h('p', {}, l) : l))));
}
