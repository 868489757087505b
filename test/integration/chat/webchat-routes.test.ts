import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../../support/chat-server.js';

let backend: TestBackend;

beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(async () => {
  await backend?.close();
});

describe('the web chat served by the chat backend', () => {
  it('serves the page at / with a strict CSP and no caching', async () => {
    const res = await fetch(`${backend.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "require-trusted-types-for 'script'"]) expect(csp).toContain(directive);
    expect(csp).not.toContain('unsafe');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/webchat/app.js"></script>');
    expect(html).not.toMatch(/<script>|style=|https?:\/\//);
  });

  it('bundles the official SDK for the browser once, gzipped when asked, with an ETag', async () => {
    const t0 = performance.now();
    const [plain, zipped] = await Promise.all([
      fetch(`${backend.url}/webchat/app.js`, { headers: { 'accept-encoding': 'identity' } }),
      fetch(`${backend.url}/webchat/app.js`, { headers: { 'accept-encoding': 'gzip' } }),
    ]);
    const buildMs = performance.now() - t0;
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const js = Buffer.from(await plain.arrayBuffer());
    expect(js.toString()).toContain('communication-chat');
    expect(js.length).toBeLessThan(400_000);
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    const etag = plain.headers.get('etag')!;
    expect(zipped.headers.get('etag')).toBe(etag);
    const again = await fetch(`${backend.url}/webchat/app.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const css = await fetch(`${backend.url}/webchat/app.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).not.toMatch(/@import|url\(https?:|@font-face/);
    expect(buildMs).toBeLessThan(30_000);
  });
});
