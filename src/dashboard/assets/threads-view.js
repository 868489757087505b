// The Threads section: every thread the bot serves, editable in place, each one openable to read
// its messages; and the add-the-bot form.
import { api, el, fill, fmtTime, role, warningsOf } from './api.js';
import { action, noteFor } from './feedback.js';
import { threadPanel } from './thread-panel.js';

const MODES = ['translate', 'analyze', 'both'];
const POLICIES = ['negative', 'all', 'none'];
const langs = (text) => text.split(/[\s,;]+/).map((l) => l.trim()).filter(Boolean);
const FORMALITIES = ['auto', 'formal', 'informal'];
const list = (text) => text.split(/[;\n]+/).map((t) => t.trim()).filter(Boolean);

// The glossary as editable text: keep terms "Acme Cloud; Jira", fixed translations "es:ticket=incidencia; …".
const keepText = (g) => (g?.keep ?? []).join('; ');
const termsText = (g) =>
  Object.entries(g?.terms ?? {})
    .flatMap(([l, entries]) => Object.entries(entries).map(([s, t]) => `${l}:${s}=${t}`))
    .join('; ');
function parseTerms(text) {
  const terms = {};
  for (const item of list(text)) {
    const m = /^([A-Za-z-]{2,16}):([^=]+)=(.+)$/.exec(item);
    if (!m) throw new Error(`"${item}" should look like es:ticket=incidencia`);
    (terms[m[1].toLowerCase()] ??= {})[m[2].trim()] = m[3].trim();
  }
  return terms;
}
// Formality per language (an object) is shown as JSON and sent back unchanged unless edited.
const formalityText = (f) => (typeof f === 'string' || f == null ? (f ?? 'auto') : JSON.stringify(f));
let shown = '';
/** The last list rendered, so opening a thread re-renders at once. */
let last = { threads: [], refresh: () => {} };
/** Opened threads: id → their panel (kept across re-renders, so a half-typed invite survives). */
const open = new Map();

const select = (name, options, value, disabled) =>
  el('select', { name, disabled, 'aria-label': name }, options.map((o) => el('option', { value: o, selected: o === value }, o)));

function threadRow(t, refresh) {
  const ro = role !== 'admin';
  const actions = el('td', { class: 'actions' });
  const row = el(
    'tr',
    { 'data-thread-id': t.threadId },
    el(
      'td',
      { title: t.threadId },
      el('strong', {}, t.topic ?? '(no topic)'),
      el('br'),
      el('small', { class: 'mono' }, t.threadId),
      warningsOf(t) && el('p', { class: 'note warn thread-notes' }, warningsOf(t)),
    ),
    el('td', {}, el('input', { name: 'languages', value: t.languages.join(', '), disabled: ro, 'aria-label': 'Languages' })),
    el('td', {}, select('mode', MODES, t.mode, ro)),
    el('td', {}, select('analysis', POLICIES, t.analysis, ro)),
    el('td', {}, el('input', { type: 'checkbox', name: 'enabled', checked: t.enabled, disabled: ro, 'aria-label': 'Enabled' })),
    el(
      'td',
      { class: 'quality' },
      el('input', { name: 'keep', value: keepText(t.glossary), disabled: ro, placeholder: 'Acme Cloud; Jira', 'aria-label': 'Never translate' }),
      el('input', { name: 'terms', value: termsText(t.glossary), disabled: ro, placeholder: 'es:ticket=incidencia', 'aria-label': 'Fixed translations' }),
      el('input', { name: 'formality', value: formalityText(t.formality), disabled: ro, list: 'formalities', size: 8, 'aria-label': 'Formality' }),
      el('input', { name: 'context', type: 'number', min: 0, max: 10, value: t.context ?? 3, disabled: ro, 'aria-label': 'Context messages' }),
    ),
    el('td', {}, fmtTime(t.addedOn)),
    actions,
  );
  const value = (name) => row.querySelector(`[name="${name}"]`);
  const here = () => ({ key: `thread:${t.threadId}`, anchor: document.querySelector(`tr[data-thread-id="${CSS.escape(t.threadId)}"] td.actions button:last-of-type`) });
  const save = action(
    () => {
      const formality = value('formality').value.trim();
      return api('PATCH', '/dashboard/api/threads', {
        threadId: t.threadId,
        languages: langs(value('languages').value),
        mode: value('mode').value,
        analysis: value('analysis').value,
        enabled: value('enabled').checked,
        glossary: { keep: list(value('keep').value), terms: parseTerms(value('terms').value) },
        formality: formality.startsWith('{') ? JSON.parse(formality) : formality || 'auto',
        context: Number(value('context').value || 0),
      });
    },
    (s) => `Saved: ${s.languages.length ? s.languages.join(', ') : 'no languages'} · ${s.mode} · analysis ${s.analysis} · ${s.enabled ? 'on' : 'off'}.`,
    () => ((row.dataset.dirty = ''), (shown = ''), refresh()),
    here,
  );
  const toggle = () => {
    if (open.has(t.threadId)) open.delete(t.threadId);
    else open.set(t.threadId, threadPanel(t.threadId, refresh));
    draw(document.getElementById('thread-list'), last.threads, last.refresh);
    document.querySelector(`tr[data-thread-id="${CSS.escape(t.threadId)}"] button.open`)?.focus();
  };
  actions.append(el('button', { type: 'button', class: 'open secondary', 'aria-expanded': open.has(t.threadId) ? 'true' : 'false', onclick: toggle }, open.has(t.threadId) ? 'Close' : 'Messages'));
  if (!ro) {
    actions.append(
      el('button', { type: 'button', class: 'save', onclick: save }, 'Save'),
      // Removed, the row goes away: the result is a toast; refused, the note stays in the row.
      el('button', { type: 'button', class: 'danger', onclick: action(() => api('POST', '/dashboard/api/threads/remove', { threadId: t.threadId }), `Bot removed from “${t.topic ?? t.threadId}”.`, refresh, (kind) => (kind === 'error' ? here() : null)) }, 'Remove'),
    );
  }
  actions.append(noteFor(`thread:${t.threadId}`) ?? '');
  row.addEventListener('input', () => (row.dataset.dirty = '1'));
  row.addEventListener('keydown', (e) => e.key === 'Enter' && save(e));
  return row;
}

function detailRow(threadId) {
  const p = open.get(threadId);
  void p.load();
  const slot = p.panel.querySelector('.note-slot');
  const note = p.note();
  if (slot && note && !slot.firstChild) slot.append(note);
  return el('tr', { class: 'detail', 'data-detail-for': threadId }, el('td', { colspan: 8 }, p.panel));
}

/** Renders the thread list, unless nothing changed or the user is editing a row; opened threads reload their messages. */
export function renderThreads(threads, refresh) {
  const container = document.getElementById('thread-list');
  const key = JSON.stringify(threads);
  const editing = container.querySelector('tr[data-dirty="1"]') || container.contains(document.activeElement);
  for (const id of open.keys()) if (!threads.some((t) => t.threadId === id)) open.delete(id);
  if (key === shown || editing) {
    for (const p of open.values()) void p.load();
    return;
  }
  draw(container, threads, refresh);
}

function draw(container, threads, refresh) {
  shown = JSON.stringify(threads);
  last = { threads, refresh };
  if (!threads.length) return fill(container, el('p', { class: 'empty' }, 'The bot is in no thread yet.'));
  fill(
    container,
    el(
      'table',
      { class: 'threads' },
      el('thead', {}, el('tr', {}, ['Thread', 'Languages', 'Mode', 'Analysis', 'On', 'Glossary · formality · context', 'Added', ''].map((h) => el('th', {}, h)))),
      el('tbody', {}, threads.flatMap((t) => [threadRow(t, refresh), open.has(t.threadId) && detailRow(t.threadId)])),
    ),
    el('datalist', { id: 'formalities' }, FORMALITIES.map((f) => el('option', { value: f }))),
  );
}

/** Wires the add-the-bot form once; its result (and any warning about the languages) shows next to Add. */
export function wireAddThread(refresh) {
  const form = document.getElementById('add-thread');
  form.addEventListener(
    'submit',
    action(
      async () => {
        const f = new FormData(form);
        const answer = await api('POST', '/dashboard/api/threads', {
          threadId: String(f.get('threadId')).trim(),
          languages: langs(String(f.get('languages') ?? '')),
          mode: f.get('mode'),
          analysis: f.get('analysis'),
        });
        form.reset();
        shown = '';
        return answer;
      },
      (s) => `Bot added to “${s.topic ?? s.threadId}”.`,
      refresh,
      () => ({ key: 'add-thread', anchor: document.getElementById('add-thread-note') }),
    ),
  );
}
