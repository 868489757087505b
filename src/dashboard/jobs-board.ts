import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { DashboardDeps } from './deps.js';

/** Where bull-board's generic job browser is mounted. */
export const JOBS_BASE_PATH = '/dashboard/jobs';

/**
 * bull-board's page links IBM Plex from Google Fonts on a line of its own; dashboard pages fetch
 * nothing from the internet, so that line goes (the page falls back to system fonts).
 */
const withoutWebFonts = (html: string) =>
  html
    .split('\n')
    .filter((line) => !line.includes('fonts.googleapis.com') && !line.includes('fonts.gstatic.com'))
    .join('\n');

/** bull-board's page may use its own inline styles and scripts' config, and nothing off this origin. */
const BOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'";

/**
 * bull-board, read-only (job browser: every state, job data, logs) under {@link JOBS_BASE_PATH}.
 * Acting on jobs is the dashboard's own Queue section (retry, discard, pause), so the browser offers
 * no action buttons — no "Add job", which would let anyone with the admin credential make the bot
 * post arbitrary text — and every state-changing call under it answers 405. Register it inside the
 * dashboard's scope with that prefix: the dashboard's auth hook then covers bull-board's page, API
 * and static files alike. The queue is added when the bot has started; until then every route
 * answers 503.
 */
export function jobsBoard(deps: DashboardDeps) {
  return async (app: FastifyInstance) => {
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(JOBS_BASE_PATH);
    const board = createBullBoard({
      queues: [],
      serverAdapter,
      options: {
        uiConfig: {
          boardTitle: 'parley jobs',
          hideDocsLink: true,
          miscLinks: [{ text: 'Back to the dashboard', url: '/dashboard' }],
        },
      },
    });
    let shown: Queue | undefined;
    app.addHook('onRequest', async (request, reply) => {
      if (!['GET', 'HEAD'].includes(request.method)) {
        return reply.code(405).send({ error: { code: 'ReadOnly', message: 'The job browser is read-only; retry, discard and pause from the dashboard.' } });
      }
      const queue = deps.bot()?.queue;
      if (!queue) {
        return reply.code(503).send({ error: { code: 'BotStarting', message: 'The bot is still starting; try again in a moment.' } });
      }
      if (queue !== shown) {
        board.replaceQueues([new BullMQAdapter(queue, { displayName: 'parley messages', readOnlyMode: true, allowRetries: false })]);
        shown = queue;
      }
    });
    app.addHook('onSend', async (_request, reply, payload) => {
      if (typeof payload !== 'string' || !String(reply.getHeader('content-type')).startsWith('text/html')) return payload;
      reply.header('content-security-policy', BOARD_CSP);
      return withoutWebFonts(payload);
    });
    await app.register(serverAdapter.registerPlugin());
  };
}
