// Entry point: polls the JSON API and renders each section; actions refresh at once.
import { api, notify } from './api.js';
import { renderPriority } from './priority-view.js';
import { renderQueue, wireQueueButtons } from './queue-view.js';
import { renderThreads, wireAddThread } from './threads-view.js';

let pollMs = 2000;
let timer;
let running = false;
let lastNotice = 0;

async function tick() {
  clearTimeout(timer);
  if (running) return;
  running = true;
  try {
    const [overview, threads, priority] = await Promise.all([
      api('GET', '/dashboard/api/overview'),
      api('GET', '/dashboard/api/threads'),
      api('GET', '/dashboard/api/priority'),
    ]);
    pollMs = overview.pollMs ?? pollMs;
    renderQueue(overview, refresh);
    renderThreads(threads.value, refresh);
    renderPriority(priority.value);
    // An action's message stays up for a few seconds before the live line replaces it.
    if (Date.now() - lastNotice > 3000) notify(`Live · updated ${new Date().toLocaleTimeString()}`);
  } catch (err) {
    notify(`Not updated: ${err.message}`, 'error');
    lastNotice = Date.now();
  } finally {
    running = false;
    timer = setTimeout(tick, pollMs);
  }
}

function refresh() {
  lastNotice = Date.now();
  void tick();
}

wireQueueButtons(refresh);
wireAddThread(refresh);
void tick();
