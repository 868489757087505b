// Entry point: polls the JSON API and renders each section; actions refresh at once. The status
// line says whether the page is live; each action's result shows next to its control.
import { api, notify } from './api.js';
import { keepNotesInView } from './feedback.js';
import { renderPriority } from './priority-view.js';
import { renderQueue, wireQueueButtons } from './queue-view.js';
import { renderThreads, wireAddThread } from './threads-view.js';

let pollMs = 2000;
let timer;
let running = false;
/** An action asked for a refresh while a poll was running: poll again as soon as it ends. */
let again = false;

async function tick() {
  clearTimeout(timer);
  if (running) return void (again = true);
  running = true;
  again = false;
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
    keepNotesInView();
    notify(`Live · updated ${new Date().toLocaleTimeString()}`);
  } catch (err) {
    notify(`Not updated: ${err.message}`, 'error');
  } finally {
    running = false;
    timer = setTimeout(tick, again ? 0 : pollMs);
  }
}

function refresh() {
  void tick();
}

wireQueueButtons(refresh);
wireAddThread(refresh);
void tick();
