import fs from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BrowserBundle } from './bundle.js';
import { webchatPage, WEBCHAT_HEADERS } from './page.js';

export interface WebchatOptions {
  /** The browser bundle. @defaultValue one built from `src/webchat/browser/main.ts` on first request */
  bundle?: BrowserBundle;
}

const CSS_FILE = new URL('./browser/app.css', import.meta.url);

/**
 * The web chat at `/`: the page, its script (the official ACS chat SDK and parley's folding,
 * bundled at first request) and its style sheet. Everything else the page does goes through the
 * chat API and `/notifications` of the same backend, with the user's own token.
 */
export function webchatPlugin({ bundle = new BrowserBundle() }: WebchatOptions = {}) {
  return async (app: FastifyInstance) => {
    const css = fs.readFileSync(CSS_FILE);
    app.get('/', async (_request, reply) => reply.headers(WEBCHAT_HEADERS).send(webchatPage()));
    app.get('/webchat/app.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(css));
    app.get('/webchat/app.js', async (request: FastifyRequest, reply: FastifyReply) => {
      const built = await bundle.get();
      void reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').header('etag', built.etag).header('vary', 'accept-encoding');
      if (request.headers['if-none-match'] === built.etag) return reply.code(304).send();
      if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(built.gzip);
      return reply.send(built.js);
    });
  };
}
