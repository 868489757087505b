// The Queue section: counts, rates, charts, failed jobs (retry/discard) and recent jobs.
import { api, el, fill, fmtMs, fmtNum, fmtTime, notify, role } from './api.js';
import { latencyChart, throughputChart } from './charts.js';

const $ = (id) => document.getElementById(id);
const card = (label, value, id) => el('div', { class: 'card', id }, el('span', { class: 'label' }, label), el('span', { class: 'value' }, value));
const pct = (s) => `${fmtMs(s.p50)} / ${fmtMs(s.p90)} / ${fmtMs(s.p99)}`;
const short = (id) => (id && id.length > 24 ? `${id.slice(0, 10)}…${id.slice(-10)}` : (id ?? '–'));

/** Runs an admin action, then refreshes; errors go to the status line. */
export function action(fn, done, refresh) {
  return async (event) => {
    event?.preventDefault();
    try {
      await fn();
      notify(done);
    } catch (err) {
      notify(`Failed: ${err.message}`, 'error');
    }
    refresh();
  };
}

/** A table of jobs: job, thread and message columns, then `cells(j)` for the rest. */
function jobsTable(id, headers, jobs, cells) {
  return el(
    'table',
    { class: 'jobs', id },
    el('thead', {}, el('tr', {}, ['Job', 'Thread', 'Message', ...headers].map((h) => el('th', {}, h)))),
    el(
      'tbody',
      {},
      jobs.map((j) =>
        el(
          'tr',
          { 'data-job-id': j.id },
          el('td', { title: j.id }, short(j.id)),
          el('td', { title: j.threadId }, short(j.threadId)),
          el('td', {}, j.messageId ?? '–', ' ', el('small', {}, j.kind ?? '')),
          cells(j),
        ),
      ),
    ),
  );
}

function failedTable(jobs, refresh) {
  if (!jobs.length) return el('p', { class: 'empty' }, 'No failed jobs.');
  const admin = role === 'admin';
  return jobsTable('failed-jobs', ['Attempts', 'Reason', 'Failed at', ''], jobs, (j) => [
    el('td', {}, j.attemptsMade),
    el('td', { class: 'reason' }, j.failedReason ?? ''),
    el('td', {}, fmtTime(j.finishedOn)),
    el(
      'td',
      { class: 'actions' },
      admin && el('button', { type: 'button', onclick: action(() => api('POST', '/dashboard/api/jobs/retry', { id: j.id }), 'Job retried.', refresh) }, 'Retry'),
      admin && el('button', { type: 'button', class: 'danger', onclick: action(() => api('POST', '/dashboard/api/jobs/discard', { id: j.id }), 'Job discarded.', refresh) }, 'Discard'),
    ),
  ]);
}

function recentTable(jobs) {
  if (!jobs.length) return el('p', { class: 'empty' }, 'Nothing processed yet.');
  return jobsTable('recent-jobs', ['Outcome', 'Finished', 'Took'], jobs, (j) => [
    el('td', {}, j.outcome ?? '–'),
    el('td', {}, fmtTime(j.finishedOn)),
    el('td', {}, j.processedOn && j.finishedOn ? fmtMs(j.finishedOn - j.processedOn) : '–'),
  ]);
}

/** Renders the overview answer into the Queue section. */
export function renderQueue(o, refresh) {
  const s = o.snapshot;
  const badge = $('queue-state');
  badge.textContent = s.paused ? 'paused' : 'running';
  badge.className = `badge ${s.paused ? 'paused' : 'running'}`;
  $('pause').hidden = s.paused;
  $('resume').hidden = !s.paused;
  fill($('counts'), ['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'].map((k) => card(k, fmtNum(s.counts[k]), `count-${k}`)));
  const m = s.model;
  fill(
    $('rates'),
    card('jobs this minute · 5-min avg', `${fmtNum(s.thisMinute)} · ${s.perMinute.toFixed(1)}/min`, 'rate-throughput'),
    card('processing p50/p90/p99', pct(s.latency.processing), 'rate-processing'),
    card('end-to-end p50/p90/p99', pct(s.latency.e2e), 'rate-e2e'),
    card('model call p50/p99', `${fmtMs(s.latency.model.p50)} / ${fmtMs(s.latency.model.p99)}`, 'rate-model'),
    card('model calls', fmtNum(m.calls), 'model-calls'),
    card('characters', fmtNum(m.characters), 'model-characters'),
    card('tokens in / out', `${fmtNum(m.inputTokens)} / ${fmtNum(m.outputTokens)}`, 'model-tokens'),
    card('cache hit rate', m.cacheHitRate == null ? '–' : `${Math.round(m.cacheHitRate * 100)}% (${fmtNum(m.cacheHits)} hits)`, 'cache-rate'),
  );
  throughputChart($('chart-throughput'), s.throughput);
  latencyChart($('chart-latency'), s.e2eSeries);
  $('retry-all').hidden = o.failed.length === 0;
  fill($('failed'), failedTable(o.failed, refresh));
  fill($('recent'), recentTable(o.recent));
}

/** Wires the queue-wide buttons once. */
export function wireQueueButtons(refresh) {
  $('pause').addEventListener('click', action(() => api('POST', '/dashboard/api/queue/pause'), 'Queue paused.', refresh));
  $('resume').addEventListener('click', action(() => api('POST', '/dashboard/api/queue/resume'), 'Queue resumed.', refresh));
  $('retry-all').addEventListener('click', action(() => api('POST', '/dashboard/api/jobs/retry-failed'), 'Failed jobs retried.', refresh));
}
