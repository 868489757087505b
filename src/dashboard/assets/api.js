// Small helpers shared by the dashboard's views: the JSON API client and a DOM builder that only
// ever sets text (never HTML), so thread topics and messages cannot inject markup.

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';
const csrf = meta('parley-csrf');

/** The signed-in role: 'admin' or 'read'. */
export const role = meta('parley-role');

/** Calls the dashboard API; throws an Error with the server's message on failure. */
export async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json', 'x-parley-csrf': csrf, ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) },
    body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
  });
  if (res.status === 401) {
    window.location.assign('/dashboard/login');
    throw new Error('logged out');
  }
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new Error(data?.error?.message ?? `HTTP ${res.status}`);
  return data;
}

/** Builds an element. Strings and numbers become text nodes; `on*` function attributes become listeners. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'value') node.value = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replaces a container's children. */
export function fill(container, ...nodes) {
  container.replaceChildren(...nodes.flat().filter(Boolean));
}

export const fmtMs = (ms) => (ms == null ? '–' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);
export const fmtTime = (t) => (t ? new Date(t).toLocaleTimeString() : '–');
export const fmtNum = (n) => (n == null ? '–' : Number(n).toLocaleString());

/** Shows the live state (or why the page is not updating) in the status line. */
export function notify(text, kind = 'ok') {
  const status = document.getElementById('status');
  status.textContent = text;
  status.className = `status ${kind}`;
}

/** What an API answer asks the operator to know (`notes` or `warnings`: [string | {message}]), or ''. */
export function warningsOf(answer) {
  const list = [answer?.notes, answer?.warnings].flatMap((l) => (Array.isArray(l) ? l : []));
  return list.map((w) => (typeof w === 'string' ? w : (w?.message ?? ''))).filter(Boolean).join(' ');
}
