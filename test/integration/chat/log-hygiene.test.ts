import { PassThrough } from 'node:stream';
import { WebSocket } from 'ws';
import { expect, it } from 'vitest';
import { ChatBackend } from '../../../src/chat/chat-backend.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { createLogger } from '../../../src/lib/logger.js';
import { adminFetch } from '../../support/admin-client.js';
import { tempDir } from '../../support/chat-server.js';
import { FrameCollector, notificationsUrl, refusedUpgrade } from '../../support/realtime-client.js';

it('logs JSON without tokens (header or WebSocket query), keys or message text, even per request at debug', async () => {
  const sink = new PassThrough();
  let out = '';
  sink.on('data', (d) => (out += d));
  const config = loadConfig({ PARLEY_PORT: '0', PARLEY_DATA_DIR: tempDir(), PARLEY_RATE_LIMITS: 'off' });
  const backend = await new ChatBackend({ config, logger: createLogger('debug', sink) }).start();
  try {
    const created = (await (
      await adminFetch(backend.url, backend.accessKey, 'POST', '/identities?api-version=2023-10-01', { createTokenWithScopes: ['chat'] })
    ).json()) as { accessToken: { token: string } };
    const token = created.accessToken.token;
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const thread = (await (
      await fetch(`${backend.url}/chat/threads?api-version=2025-03-15`, { method: 'POST', headers: auth, body: JSON.stringify({ topic: 't' }) })
    ).json()) as { chatThread: { id: string } };
    const secretText = 'my credit card is 4111-1111-1111-1111';
    await fetch(`${backend.url}/chat/threads/${encodeURIComponent(thread.chatThread.id)}/messages?api-version=2025-03-15`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ content: secretText }),
    });
    // A refused request is logged too, still without the token.
    await fetch(`${backend.url}/chat/threads?api-version=2025-03-15`, { headers: { authorization: `Bearer ${token}x` } });
    // The web chat's WebSocket carries its token in the query (browsers cannot set headers on an
    // upgrade): accepted, refused, over the per-user limit, and as a plain GET, none of it is logged.
    const query = `?access_token=${encodeURIComponent(token)}`;
    const live = new FrameCollector(new WebSocket(notificationsUrl(backend, query)));
    await live.waitForType('connected');
    await expect(refusedUpgrade(notificationsUrl(backend, `${query}x`))).resolves.toMatchObject({ status: 401 });
    await expect(refusedUpgrade(`${backend.url.replace(/^http/, 'ws')}/elsewhere${query}`)).resolves.toMatchObject({ status: 404 });
    await fetch(`${backend.url}/notifications${query}`);
    live.ws.close();
    await live.closed;
    const lines = out.trim().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(out).not.toContain(token.slice(20));
    expect(out).not.toContain(backend.accessKey);
    expect(out).not.toContain('4111-1111');
    expect(out).toContain('request refused');
  } finally {
    await backend.close();
  }
});
