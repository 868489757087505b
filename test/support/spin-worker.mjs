// A worker for WorkerPool tests: says it is ready, then answers { spinMs } after keeping its thread
// busy that long (synchronously, as a pathological regex would), or throws on { fail }.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', ({ id, task }) => {
  if (task.fail) return parentPort.postMessage({ id, ok: false, error: task.fail });
  const until = performance.now() + (task.spinMs ?? 0);
  while (performance.now() < until);
  parentPort.postMessage({ id, ok: true, value: task.value ?? null });
});
parentPort.postMessage({ ready: true });
