import { expect, it } from 'vitest';
import { readinessChecks } from '../../../src/dashboard/readiness.js';
import { startTestBackend } from '../../support/chat-server.js';

it('reports the chat store in the all-in-one process: not ready once it stopped taking writes', async () => {
  const backend = await startTestBackend();
  try {
    let writable = true;
    const check = readinessChecks({ bot: () => undefined, chatUrl: backend.url, store: () => writable });
    expect(await check()).toMatchObject({ backend: true, store: true });
    writable = false;
    expect(await check()).toMatchObject({ backend: true, store: false });
    // A process without the backend (parley bot / worker) has no store check at all.
    expect(await readinessChecks({ bot: () => undefined, chatUrl: backend.url })()).not.toHaveProperty('store');
  } finally {
    await backend.close();
  }
});
