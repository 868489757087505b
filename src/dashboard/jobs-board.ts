import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { DashboardDeps } from './deps.js';

/** Where bull-board's generic job browser is mounted. */
export const JOBS_BASE_PATH = '/dashboard/jobs';

/**
 * bull-board (job browser: every state, job data, logs, retries, clean, pause) under
 * {@link JOBS_BASE_PATH}. Register it inside the dashboard's scope with that prefix: the dashboard's
 * auth hook then covers bull-board's page, API and static files alike, and keeps read-only users
 * out of its state-changing (non-GET) routes. The queue is added when the bot has started; until
 * then every route answers 503.
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
    app.addHook('onRequest', async (_request, reply) => {
      const queue = deps.bot()?.queue;
      if (!queue) {
        return reply.code(503).send({ error: { code: 'BotStarting', message: 'The bot is still starting; try again in a moment.' } });
      }
      if (queue !== shown) {
        board.replaceQueues([new BullMQAdapter(queue, { displayName: 'parley messages' })]);
        shown = queue;
      }
    });
    await app.register(serverAdapter.registerPlugin());
  };
}
