// The Priority section: threads by recent negative sentiment, angriest first, with latest messages.
import { el, fill, fmtTime } from './api.js';

const trend = (score) => `trend ${score > 0 ? '+' : score < 0 ? '−' : ''}${Math.abs(score).toFixed(2)}`;

/** Renders the priority list. */
export function renderPriority(rows) {
  const list = document.getElementById('priority-list');
  if (!rows.length) return fill(list, el('li', { class: 'empty' }, 'No analysed messages yet (threads in analyze or both mode appear here).'));
  fill(
    list,
    rows.map((r) =>
      el(
        'li',
        { class: `prio ${r.label.tone}`, 'data-thread-id': r.threadId },
        el(
          'div',
          { class: 'prio-head' },
          el('strong', {}, r.topic ?? '(no topic)'),
          // The label comes from the messages listed below it; the trend (newest weigh most) orders the list.
          el('span', { class: `badge ${r.label.tone}` }, r.label.text),
          el('small', { class: 'trend', title: 'Recent sentiment, newest messages weigh most (−1 negative … +1 positive): it orders this list.' }, trend(r.score)),
          el('small', { class: 'mono' }, r.threadId),
        ),
        el(
          'ul',
          { class: 'latest' },
          r.latest.map((a) =>
            el('li', {}, el('span', { class: `dot ${a.sentiment}` }, a.sentiment), ' ', el('b', {}, a.senderDisplayName || 'someone'), ': ', a.text, ' ', el('small', {}, fmtTime(a.at))),
          ),
        ),
      ),
    ),
  );
}
