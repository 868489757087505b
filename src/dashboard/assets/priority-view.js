// The Priority section: threads by recent negative sentiment, angriest first, with latest messages.
import { el, fill, fmtTime } from './api.js';

const tone = (score) => (score <= -0.3 ? 'negative' : score >= 0.3 ? 'positive' : 'neutral');

/** Renders the priority list. */
export function renderPriority(rows) {
  const list = document.getElementById('priority-list');
  if (!rows.length) return fill(list, el('li', { class: 'empty' }, 'No analysed messages yet (threads in analyze or both mode appear here).'));
  fill(
    list,
    rows.map((r) =>
      el(
        'li',
        { class: `prio ${tone(r.score)}`, 'data-thread-id': r.threadId },
        el(
          'div',
          { class: 'prio-head' },
          el('strong', {}, r.topic ?? '(no topic)'),
          el('span', { class: `badge ${tone(r.score)}` }, `${tone(r.score)} ${r.score.toFixed(2)}`),
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
