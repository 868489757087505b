// Inline SVG charts drawn from per-minute buckets; no library, no network.

const NS = 'http://www.w3.org/2000/svg';
const W = 640;
const H = 180;
const PAD = { left: 44, right: 12, top: 12, bottom: 24 };

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

const hhmm = (t) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function frame(label, points, max, unit) {
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'chart-svg' });
  const plotH = H - PAD.top - PAD.bottom;
  for (const f of [0, 0.5, 1]) {
    const y = PAD.top + plotH * (1 - f);
    root.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: 'grid' }));
    root.append(svg('text', { x: PAD.left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, unit(max * f)));
  }
  points.forEach((p, i) => {
    if (i % 15 !== 0 && i !== points.length - 1) return;
    const last = i === points.length - 1;
    root.append(svg('text', { x: last ? W - PAD.right : xOf(i, points.length), y: H - 6, 'text-anchor': last ? 'end' : 'middle', class: 'axis' }, hhmm(p.t)));
  });
  return root;
}

const xOf = (i, n) => PAD.left + ((W - PAD.left - PAD.right) * (i + 0.5)) / n;
const yOf = (v, max) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);

/** Stacked bars of completed and failed jobs per minute. */
export function throughputChart(container, points) {
  const top = Math.max(...points.map((p) => p.completed + p.failed));
  const max = Math.max(2, top + (top % 2)); // even, so the mid grid line is a whole number
  const root = frame('Jobs per minute over the last hour', points, max, (v) => String(Math.round(v)));
  const bw = Math.max(1, (W - PAD.left - PAD.right) / points.length - 2);
  points.forEach((p, i) => {
    const x = xOf(i, points.length) - bw / 2;
    const yc = yOf(p.completed, max);
    const yf = yOf(p.completed + p.failed, max);
    const title = `${hhmm(p.t)}: ${p.completed} completed, ${p.failed} failed`;
    for (const [from, to, cls] of [[yOf(0, max), yc, 'bar-ok'], [yc, yf, 'bar-failed']]) {
      if (from - to <= 0) continue;
      const bar = svg('rect', { x, y: to, width: bw, height: from - to, class: cls });
      bar.append(svg('title', {}, title));
      root.append(bar);
    }
  });
  container.replaceChildren(root);
}

/** The lines of the latency chart: the percentiles of the tiles above it, in the legend's styles. */
export const LATENCY_LINES = [
  ['p99', 'line-p99'],
  ['p90', 'line-p90'],
  ['p50', 'line-p50'],
];

/** p50, p90 and p99 lines of a per-minute latency series (ms); minutes without samples leave gaps. */
export function latencyChart(container, series) {
  const max = Math.max(100, ...series.map((p) => p.p99 ?? 0));
  const unit = (v) => (max >= 2000 ? `${(v / 1000).toFixed(1)}s` : `${Math.round(v)}ms`);
  const root = frame('End-to-end latency of live messages over the last hour (p50, p90, p99)', series, max, unit);
  for (const [key, cls] of LATENCY_LINES) {
    let d = '';
    let pen = false;
    series.forEach((p, i) => {
      if (p[key] == null) return void (pen = false);
      d += `${pen ? 'L' : 'M'}${xOf(i, series.length).toFixed(1)},${yOf(p[key], max).toFixed(1)}`;
      pen = true;
      const dot = svg('circle', { cx: xOf(i, series.length), cy: yOf(p[key], max), r: 2.5, class: cls });
      dot.append(svg('title', {}, `${hhmm(p.t)}: ${key} ${unit(p[key])} (${p.count} live)`));
      root.append(dot);
    });
    if (d) root.append(svg('path', { d, class: cls, fill: 'none' }));
  }
  container.replaceChildren(root);
}
