// The Queue section: counts, rates, charts, failed jobs (retry/discard) and recent jobs.
import { api, el, fill, fmtMs, fmtNum, fmtTime, role } from './api.js';
import { latencyChart, throughputChart } from './charts.js';
import { action, noteFor } from './feedback.js';

const $ = (id) => document.getElementById(id);
const card = (label, value, id, title) => el('div', { class: 'card', id, title }, el('span', { class: 'label' }, label), el('span', { class: 'value' }, value));
const pct = (s) => `${fmtMs(s.p50)} / ${fmtMs(s.p90)} / ${fmtMs(s.p99)}`;
const ORIGIN = { backfill: 'backfill', retried: 'retried by hand' };

/** The thread a job is about: its topic (the raw id on hover), or the id when it has no topic. */
const threadCell = (j) => el('td', { title: j.threadId }, j.topic ? el('strong', {}, j.topic) : el('small', { class: 'mono' }, j.threadId ?? '–'));

/** The message a job is about: a snippet of its text, with what happened to it and how it came. */
const messageCell = (j) =>
  el(
    'td',
    { class: 'snippet', title: `message ${j.messageId ?? '–'} · job ${j.id}` },
    j.snippet ? `“${j.snippet}”` : el('span', { class: 'empty' }, j.kind === 'greeting' ? 'the bot’s greeting' : j.kind === 'deleted' ? 'a deleted message' : `message ${j.messageId ?? '–'}`),
    ' ',
    el('small', { class: 'kind' }, [j.kind !== 'greeting' && j.kind, ORIGIN[j.origin]].filter(Boolean).join(' · ')),
  );

/** A table of jobs: thread and message columns, then `cells(j)` for the rest. */
function jobsTable(id, headers, jobs, cells) {
  return el(
    'table',
    { class: 'jobs', id },
    el('thead', {}, el('tr', {}, ['Thread', 'Message', ...headers].map((h) => el('th', {}, h)))),
    el('tbody', {}, jobs.map((j) => el('tr', { 'data-job-id': j.id }, threadCell(j), messageCell(j), cells(j)))),
  );
}

function failedTable(jobs, refresh) {
  if (!jobs.length) return el('p', { class: 'empty' }, 'No failed jobs.');
  const admin = role === 'admin';
  // Done, the row leaves the failed list: a toast says so. Failed, the row stays: the note goes in it.
  const inRow = (j) => (kind) => (kind === 'error' ? { key: `job:${j.id}`, anchor: document.querySelector(`tr[data-job-id="${CSS.escape(j.id)}"] td.actions button:last-of-type`) } : null);
  return jobsTable('failed-jobs', ['Attempts', 'Reason', 'Failed at', ''], jobs, (j) => [
    el('td', {}, j.attemptsMade),
    el('td', { class: 'reason' }, j.failedReason ?? ''),
    el('td', {}, fmtTime(j.finishedOn)),
    el(
      'td',
      { class: 'actions' },
      admin && el('button', { type: 'button', onclick: action(() => api('POST', '/dashboard/api/jobs/retry', { id: j.id }), `Job retried: “${j.snippet ?? j.messageId}”.`, refresh, inRow(j)) }, 'Retry'),
      admin && el('button', { type: 'button', class: 'danger', onclick: action(() => api('POST', '/dashboard/api/jobs/discard', { id: j.id }), `Job discarded: “${j.snippet ?? j.messageId}”.`, refresh, inRow(j)) }, 'Discard'),
      noteFor(`job:${j.id}`),
    ),
  ]);
}

function recentTable(jobs) {
  if (!jobs.length) return el('p', { class: 'empty' }, 'Nothing processed yet.');
  return jobsTable('recent-jobs', ['Outcome', 'Finished', 'Took'], jobs, (j) => [
    // Each language's state: "posted · es ready · fr failed:the answer is in German, not French".
    el('td', {}, [j.outcome ?? '–', ...Object.entries(j.states ?? {}).map(([l, st]) => `${l} ${st}`)].join(' · ')),
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
  // "chat backend unreachable since …": work is held (not failed) until it answers.
  const down = (o.dependencies ?? []).filter((d) => d.state === 'down');
  const outage = $('dependencies');
  outage.hidden = down.length === 0;
  outage.textContent = down.map((d) => `${d.name} unreachable since ${fmtTime(Date.parse(d.since))} (${d.endpoint}: ${d.lastError ?? 'no answer'}); messages wait, none are lost.`).join(' ');
  $('pause').hidden = s.paused;
  $('resume').hidden = !s.paused;
  fill($('counts'), ['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'].map((k) => card(k, fmtNum(s.counts[k]), `count-${k}`)));
  const m = s.model;
  const e2e = s.latency.e2e;
  fill(
    $('rates'),
    card('jobs this minute · 5-min avg', `${fmtNum(s.thisMinute)} · ${s.perMinute.toFixed(1)}/min`, 'rate-throughput'),
    card('processing p50/p90/p99', pct(s.latency.processing), 'rate-processing', 'Time a worker spent on a job, every job of the last hour.'),
    card(`end-to-end p50/p90/p99 · ${fmtNum(e2e.count)} live`, pct(e2e), 'rate-e2e', 'Message sent → bot post, live messages of the last hour only: backfills and jobs retried by hand are not counted.'),
    card('model call p50/p90/p99', pct(s.latency.model), 'rate-model'),
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

/** Wires the queue-wide buttons once; their results show next to them. */
export function wireQueueButtons(refresh) {
  const toolbar = () => ({ key: 'queue', anchor: $('resume') });
  const heading = () => ({ key: 'retry-all', anchor: $('retry-all') });
  $('pause').addEventListener('click', action(() => api('POST', '/dashboard/api/queue/pause'), 'Queue paused: no job starts until you resume.', refresh, toolbar));
  $('resume').addEventListener('click', action(() => api('POST', '/dashboard/api/queue/resume'), 'Queue resumed.', refresh, toolbar));
  $('retry-all').addEventListener('click', action(() => api('POST', '/dashboard/api/jobs/retry-failed'), (r) => `${r.retried} failed job${r.retried === 1 ? '' : 's'} retried.`, refresh, heading));
}
