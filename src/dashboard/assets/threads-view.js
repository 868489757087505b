// The Threads section: every thread the bot serves, editable in place, and the add-the-bot form.
import { api, el, fill, fmtTime, role } from './api.js';
import { action } from './queue-view.js';

const MODES = ['translate', 'analyze', 'both'];
const POLICIES = ['negative', 'all', 'none'];
const langs = (text) => text.split(/[\s,;]+/).map((l) => l.trim()).filter(Boolean);
let shown = '';

const select = (name, options, value, disabled) =>
  el('select', { name, disabled }, options.map((o) => el('option', { value: o, selected: o === value }, o)));

function threadRow(t, refresh) {
  const ro = role !== 'admin';
  const row = el(
    'tr',
    { 'data-thread-id': t.threadId },
    el('td', {}, el('strong', {}, t.topic ?? '(no topic)'), el('br'), el('small', { class: 'mono' }, t.threadId)),
    el('td', {}, el('input', { name: 'languages', value: t.languages.join(', '), disabled: ro, 'aria-label': 'Languages' })),
    el('td', {}, select('mode', MODES, t.mode, ro)),
    el('td', {}, select('analysis', POLICIES, t.analysis, ro)),
    el('td', {}, el('input', { type: 'checkbox', name: 'enabled', checked: t.enabled, disabled: ro, 'aria-label': 'Enabled' })),
    el('td', {}, fmtTime(t.addedOn)),
    el('td', { class: 'actions' }),
  );
  const value = (name) => row.querySelector(`[name="${name}"]`);
  const save = action(
    () =>
      api('PATCH', '/dashboard/api/threads', {
        threadId: t.threadId,
        languages: langs(value('languages').value),
        mode: value('mode').value,
        analysis: value('analysis').value,
        enabled: value('enabled').checked,
      }),
    'Thread settings saved.',
    () => ((row.dataset.dirty = ''), (shown = ''), refresh()),
  );
  if (!ro) {
    row.lastChild.append(
      el('button', { type: 'button', class: 'save', onclick: save }, 'Save'),
      el('button', { type: 'button', class: 'danger', onclick: action(() => api('POST', '/dashboard/api/threads/remove', { threadId: t.threadId }), 'Bot removed from the thread.', refresh) }, 'Remove'),
    );
  }
  row.addEventListener('input', () => (row.dataset.dirty = '1'));
  row.addEventListener('keydown', (e) => e.key === 'Enter' && save(e));
  return row;
}

/** Renders the thread list, unless nothing changed or the user is editing a row. */
export function renderThreads(threads, refresh) {
  const container = document.getElementById('thread-list');
  const key = JSON.stringify(threads);
  const editing = container.querySelector('tr[data-dirty="1"]') || container.contains(document.activeElement);
  if (key === shown || editing) return;
  shown = key;
  if (!threads.length) return fill(container, el('p', { class: 'empty' }, 'The bot is in no thread yet.'));
  fill(
    container,
    el(
      'table',
      { class: 'threads' },
      el('thead', {}, el('tr', {}, ['Thread', 'Languages', 'Mode', 'Analysis', 'On', 'Added', ''].map((h) => el('th', {}, h)))),
      el('tbody', {}, threads.map((t) => threadRow(t, refresh))),
    ),
  );
}

/** Wires the add-the-bot form once. */
export function wireAddThread(refresh) {
  const form = document.getElementById('add-thread');
  form.addEventListener(
    'submit',
    action(
      async () => {
        const f = new FormData(form);
        await api('POST', '/dashboard/api/threads', {
          threadId: String(f.get('threadId')).trim(),
          languages: langs(String(f.get('languages') ?? '')),
          mode: f.get('mode'),
          analysis: f.get('analysis'),
        });
        form.reset();
        shown = '';
      },
      'Bot added to the thread.',
      refresh,
    ),
  );
}
