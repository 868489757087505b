import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../chat/errors.js';
import { retryAllFailed, retryByHand } from '../bot/queue/manual-retry.js';
import { queueSnapshot } from '../metrics/queue-snapshot.js';
import { requireBot, type DashboardDeps } from './deps.js';
import { jobRows } from './job-lists.js';
import { parseDashboardBody } from './parse-body.js';
import { topicCache, type TopicCache } from './topics.js';

const jobBody = z.object({ id: z.string().min(1).max(1024) });

/**
 * The queue's JSON API: `GET /dashboard/api/overview` (counts, throughput, latency percentiles, model
 * usage, failed and recent jobs, the chat backend's and the model's state) and the admin actions `POST /dashboard/api/jobs/retry|discard`
 * `{id}`, `POST /dashboard/api/jobs/retry-failed`, `POST /dashboard/api/queue/pause|resume`.
 */
export function queueApi(deps: DashboardDeps, topics: TopicCache = topicCache()) {
  const log = deps.logger.child({ component: 'dashboard' });
  return async (app: FastifyInstance) => {
    app.get('/dashboard/api/overview', async (request) => {
      const bot = requireBot(deps);
      const names = (ids: string[]) => topics(bot, ids);
      const [snapshot, failed, recent] = await Promise.all([
        queueSnapshot(bot.queue, bot.stats),
        jobRows(bot.queue, 'failed', 20, names),
        jobRows(bot.queue, 'completed', 10, names),
      ]);
      return { role: request.dashboard?.role, pollMs: deps.pollMs ?? 2000, snapshot, failed, recent, dependencies: bot.dependencies() };
    });

    const failedJob = async (id: string) => {
      const job = await requireBot(deps).queue.getJob(id);
      if (!job) throw new ApiError(404, 'JobNotFound', 'No job has that id (it may have been discarded or trimmed).');
      const state = await job.getState();
      if (state !== 'failed') throw new ApiError(409, 'JobNotFailed', `The job is ${state}, not failed.`);
      return job;
    };
    app.post('/dashboard/api/jobs/retry', async (request) => {
      const { id } = parseDashboardBody(jobBody, request.body);
      await retryByHand(await failedJob(id));
      log.info({ jobId: id }, 'job retried from the dashboard');
      return { id, state: 'waiting' };
    });
    app.post('/dashboard/api/jobs/discard', async (request) => {
      const { id } = parseDashboardBody(jobBody, request.body);
      await (await failedJob(id)).remove();
      log.info({ jobId: id }, 'job discarded from the dashboard');
      return { id, state: 'discarded' };
    });
    app.post('/dashboard/api/jobs/retry-failed', async () => {
      const count = await retryAllFailed(requireBot(deps).queue);
      log.info({ count }, 'failed jobs retried from the dashboard');
      return { retried: count };
    });
    app.post('/dashboard/api/queue/pause', async () => {
      await requireBot(deps).queue.pause();
      log.info('queue paused from the dashboard');
      return { paused: true };
    });
    app.post('/dashboard/api/queue/resume', async () => {
      await requireBot(deps).queue.resume();
      log.info('queue resumed from the dashboard');
      return { paused: false };
    });
  };
}
