// A thread opened from the Threads section: its recent messages as the web chat folds them (each
// original once, with every translation and the analysis under it), read-only; and, for admins, a
// form that invites a person and shows their link.
import { api, el, fill, fmtTime, role } from './api.js';
import { action, noteFor } from './feedback.js';

const langs = (text) => text.split(/[\s,;]+/).map((l) => l.trim()).filter(Boolean);

function languageLine(l) {
  if (l.state === 'ready') return el('li', { class: 'lang' }, el('span', { class: 'code' }, l.language), ' ', l.text ?? '');
  return el('li', { class: 'lang untranslated' }, el('span', { class: 'code' }, l.language), ' ', el('em', {}, `not translated (${l.state}): ${l.reason ?? ''}`));
}

function messageItem(m) {
  if (m.format === 'system') return el('li', { class: 'msg system' }, el('small', {}, `${fmtTime(m.createdOn)} · ${m.text}`));
  return el(
    'li',
    { class: `msg${m.fromBot ? ' bot' : ''}`, 'data-message-id': m.id },
    el(
      'div',
      { class: 'msg-head' },
      el('b', {}, m.sender),
      el('small', {}, fmtTime(m.createdOn)),
      m.edited && el('small', {}, 'edited'),
      m.sourceLanguage && el('small', { class: 'code' }, m.sourceLanguage),
      m.sentiment && el('span', { class: `dot ${m.sentiment}` }, m.sentiment),
      m.pending && el('small', { class: 'pending' }, 'translating…'),
    ),
    el('p', { class: 'msg-text' }, m.text),
    m.languages.length > 0 && el('ul', { class: 'langs' }, m.languages.map(languageLine)),
  );
}

function inviteForm(threadId, refresh) {
  const form = el(
    'form',
    { class: 'invite admin-only', 'aria-label': 'Invite a person' },
    el('label', {}, 'Name ', el('input', { name: 'name', required: true, maxlength: 64, autocomplete: 'off' })),
    el('label', {}, 'Reads ', el('input', { name: 'reads', placeholder: 'en, es', autocomplete: 'off' })),
    el('button', { type: 'submit' }, 'Invite'),
    el('span', { class: 'note-slot' }),
  );
  const slot = form.querySelector('.note-slot');
  const result = el('div', { class: 'invite-result' });
  form.addEventListener(
    'submit',
    action(
      async () => {
        const f = new FormData(form);
        const answer = await api('POST', '/dashboard/api/threads/invite', { threadId, name: String(f.get('name')).trim(), reads: langs(String(f.get('reads') ?? '')) });
        const link = el('input', { class: 'link', readonly: true, value: answer.link, 'aria-label': `Link for ${answer.name}` });
        fill(
          result,
          el('span', {}, `Link for ${answer.name} (signs them in; send it privately):`),
          link,
          el('button', { type: 'button', onclick: () => (link.select(), navigator.clipboard?.writeText(answer.link)) }, 'Copy'),
        );
        form.reset();
        return answer;
      },
      (a) => `${a.name} was added to the thread.`,
      refresh,
      () => ({ key: `invite:${threadId}`, anchor: slot }),
    ),
  );
  return el('div', { class: 'invite-box' }, el('h4', {}, 'Invite a person'), form, result);
}

/** A thread's panel: built once per opened thread, its message list refreshed by `load()`. */
export function threadPanel(threadId, refresh) {
  const list = el('ol', { class: 'messages', 'aria-live': 'polite' }, el('li', { class: 'empty' }, 'Loading messages…'));
  const panel = el('div', { class: 'thread-panel', 'data-panel-for': threadId }, el('h4', {}, 'Recent messages (read-only)'), list, role === 'admin' && inviteForm(threadId, refresh));
  let shown = '';
  const load = async () => {
    try {
      const answer = await api('GET', `/dashboard/api/threads/messages?threadId=${encodeURIComponent(threadId)}`);
      const key = JSON.stringify(answer.value);
      if (key === shown) return;
      shown = key;
      if (!answer.value.length) return fill(list, el('li', { class: 'empty' }, 'No messages yet.'));
      // Newest at the bottom, as in a chat: stay there unless the operator scrolled up to read.
      const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40 || !list.querySelector('.msg');
      fill(list, answer.value.map(messageItem));
      if (atBottom) list.scrollTop = list.scrollHeight;
    } catch (err) {
      shown = '';
      fill(list, el('li', { class: 'note error', role: 'alert' }, `Could not read the thread: ${err.message}`));
    }
  };
  return { panel, load, note: () => noteFor(`invite:${threadId}`) };
}
