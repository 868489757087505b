/**
 * A text-work thread (see `TextWorkPool`): loads the analysers, says it is ready, then answers each
 * `{ id, task }` with the task's result.
 */
import { parentPort } from 'node:worker_threads';
import { runTextTask, type TextTask } from './text-tasks.js';

// Loaded before "ready" (not on the first analysis), so loading never eats into a task's budget.
await import('compromise');

const port = parentPort;
if (!port) throw new Error('text-worker.ts runs on a worker thread');
port.on('message', (m: { id: number; task: TextTask }) => {
  runTextTask(m.task).then(
    (value) => port.postMessage({ id: m.id, ok: true, value }),
    (err: unknown) => port.postMessage({ id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
port.postMessage({ ready: true });
