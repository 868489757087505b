/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Headers for every dashboard page: no framing, no inline script, nothing cached. */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

const FAVICON = '<link rel="icon" type="image/svg+xml" href="/dashboard/favicon.svg">';

/** The login form. `error` is shown above it (escaped). */
export function loginPage(error?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>parley dashboard — log in</title>${FAVICON}<link rel="stylesheet" href="/dashboard/login.css"></head>
<body><main class="login">
<h1>parley dashboard</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/dashboard/login" autocomplete="off">
<label for="credential">Dashboard credential</label>
<input id="credential" name="credential" type="password" required autofocus>
<button type="submit">Log in</button>
</form>
<p class="hint">Use the admin or read-only credential from the <code>credentials</code> file in the data directory, or print it with <code>npx parley credentials</code> (derived from the access key; never the key itself).</p>
</main></body></html>`;
}

/** The dashboard page: a static shell that dashboard.js fills from the JSON API. */
export function dashboardPage(opts: { role: string; csrf: string }): string {
  const section = (id: string, title: string, body: string) => `<section id="${id}"><h2>${title}</h2>${body}</section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="parley-csrf" content="${escapeHtml(opts.csrf)}"><meta name="parley-role" content="${escapeHtml(opts.role)}">
<title>parley dashboard</title>${FAVICON}<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
<script type="module" src="/dashboard/assets/dashboard.js"></script></head>
<body data-role="${escapeHtml(opts.role)}">
<header><h1>parley</h1><nav><a href="#queue">Queue</a><a href="#threads">Threads</a><a href="#priority">Priority</a>
<a href="/dashboard/jobs">Job browser</a></nav>
<span class="who">${escapeHtml(opts.role === 'admin' ? 'admin' : 'read-only')}</span>
<form id="logout" method="post" action="/dashboard/logout"><button type="submit">Log out</button></form></header>
<p id="status" role="status" class="status">Loading…</p>
<main>
${section(
  'queue',
  'Queue',
  `<div class="toolbar" id="queue-toolbar"><span id="queue-state" class="badge"></span>
<button id="pause" class="admin-only" type="button">Pause</button><button id="resume" class="admin-only" type="button">Resume</button></div>
<p id="dependencies" class="outage" role="alert" hidden></p>
<div id="counts" class="cards"></div><div id="rates" class="cards"></div>
<div class="charts"><figure><figcaption>Jobs per minute, last hour</figcaption><div id="chart-throughput" class="chart"></div>
<p class="legend"><span class="key bar-ok"></span>completed <span class="key bar-failed"></span>failed</p></figure>
<figure><figcaption>End-to-end latency of live messages (message → bot post), last hour</figcaption><div id="chart-latency" class="chart"></div>
<p class="legend" id="latency-legend"><span class="key line-p50"></span>p50 <span class="key line-p90"></span>p90 <span class="key line-p99"></span>p99 <small>(backfills and retries by hand not counted)</small></p></figure></div>
<h3>Failed jobs <button id="retry-all" class="admin-only" type="button">Retry all</button></h3><div id="failed"></div>
<h3>Recently processed</h3><div id="recent"></div>`,
)}
${section(
  'threads',
  'Threads',
  `<div id="thread-list"></div>
<form id="add-thread" class="admin-only"><h3>Add the bot to a thread</h3>
<label>Thread id <input name="threadId" required></label>
<label>Languages <input name="languages" placeholder="es, fr"></label>
<label>Mode <select name="mode"><option>translate</option><option>analyze</option><option>both</option></select></label>
<label>Analysis <select name="analysis"><option>negative</option><option>all</option><option>none</option></select></label>
<button type="submit">Add</button><span class="note-slot" id="add-thread-note"></span></form>`,
)}
${section('priority', 'Priority: most negative first', '<ol id="priority-list" class="priority"></ol>')}
</main>
<div id="toasts" class="toasts" aria-live="polite"></div></body></html>`;
}
