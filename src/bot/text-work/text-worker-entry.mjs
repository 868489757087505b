// The worker thread's entry: plain JavaScript that registers tsx (as bin/parley.js does), because a
// worker thread does not inherit the loader hooks of the thread that started it.
import { register } from 'tsx/esm/api';

register();
await import('./text-worker.ts');
