import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { BotAdmin } from '../../src/bot/bot-admin.js';
import type { ProviderName } from '../../src/providers/types.js';
import { Bot } from '../../src/bot/bot.js';
import { invitePerson } from '../../src/bot/invite.js';
import { JOB } from '../../src/bot/queue/jobs.js';
import { dashboardCredentials, type DashboardCredentials } from '../../src/dashboard/credentials.js';
import { dashboardPlugin } from '../../src/dashboard/dashboard-plugin.js';
import { readinessChecks } from '../../src/dashboard/readiness.js';
import { createLogger, type Logger } from '../../src/lib/logger.js';
import { installHttpMetrics } from '../../src/metrics/http-metrics.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { ProviderPermanentError, PROVIDER_ERROR_CODES } from '../../src/providers/errors.js';
import { startTestBackend, type TestBackend } from './chat-server.js';
import { fakeProvider } from './fake-provider.js';
import { deletePrefix, uniquePrefix } from './bot-env.js';

export const REDIS_URL = 'redis://127.0.0.1:6379';

/** A fake provider whose translations fail for good while `failing` is set. */
export function switchableProvider() {
  const state = { failing: false };
  const provider = fakeProvider();
  const translate = provider.translate.bind(provider);
  provider.translate = async (req) => {
    if (state.failing) throw new ProviderPermanentError(PROVIDER_ERROR_CODES.badRequest, 'the model refused this request (test)');
    return translate(req);
  };
  return Object.assign(provider, { state });
}

export interface DashboardStack {
  backend: TestBackend;
  bot: Bot;
  botAdmin: BotAdmin;
  metrics: Metrics;
  /** The bot process's own HTTP server, with the dashboard. */
  server: FastifyInstance;
  url: string;
  provider: ReturnType<typeof switchableProvider>;
  creds: DashboardCredentials;
  prefix: string;
  /** Everything every logger of the stack wrote. */
  logs: () => string;
  close(): Promise<void>;
}

/** A real backend, a bot on real Redis (unique prefix) with a fake provider, and a dashboard server. */
export async function startDashboardStack(opts: { attempts?: number; engine?: ProviderName } = {}): Promise<DashboardStack> {
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) });
  const logger: Logger = createLogger('debug', sink);
  const backend = await startTestBackend();
  const provider = switchableProvider();
  const prefix = uniquePrefix('dashboard');
  const bot = await new Bot({
    chatUrl: backend.url,
    accessKey: backend.accessKey,
    redisUrl: REDIS_URL,
    prefix,
    provider,
    logger,
    attempts: opts.attempts ?? 2,
    workerOptions: { metrics: { maxDataPoints: 60 * 24 } },
  }).start();
  const botAdmin = new BotAdmin(bot.settings, bot.admin, bot.redis, bot.keys, 'parley', opts.engine);
  const metrics = new Metrics();
  metrics.attachBot(bot);
  metrics.trackConnections(() => backend.realtime.connections);
  const server = Fastify({ loggerInstance: logger.child({ component: 'http' }), routerOptions: { maxParamLength: 1024 } }) as unknown as FastifyInstance;
  installHttpMetrics(server, metrics);
  await server.register(
    dashboardPlugin({
      bot: () => bot,
      botAdmin: () => botAdmin,
      accessKey: backend.accessKey,
      logger,
      metrics,
      readiness: readinessChecks({ bot: () => bot, chatUrl: backend.url }),
      invite: (request) => invitePerson({ admin: bot.admin, settings: bot.settings }, { ...request, baseUrl: backend.url }),
      pollMs: 500,
    }),
  );
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    backend,
    bot,
    botAdmin,
    metrics,
    server,
    url,
    provider,
    creds: dashboardCredentials(backend.accessKey),
    prefix,
    logs: () => chunks.join(''),
    async close() {
      await server.close();
      await bot.close();
      await backend.close();
      await deletePrefix(REDIS_URL, prefix);
    },
  };
}

/** A thread with `alice` in it and the bot added with `settings`; resolves when the bot has joined. */
export async function threadWithBot(stack: DashboardStack, topic: string, settings: Parameters<BotAdmin['add']>[1]) {
  const alice = stack.backend.identity.createUser();
  const { thread } = stack.backend.chat.createThread(alice, { topic, participants: [] });
  await stack.botAdmin.add(thread.id, settings);
  // The bot introduces itself when added; waiting for that job keeps later job counts exact.
  await eventually(async () => (await stack.bot.queue.getJobs(['completed'])).some((j) => j.name === JOB.greeting && j.data.threadId === thread.id));
  return { alice, threadId: thread.id };
}

/** Resolves with the text of the next bot post in `threadId` that matches `match`. */
export function nextBotPost(stack: DashboardStack, threadId: string, match: (text: string) => boolean = () => true, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`no bot post in ${threadId} within ${timeoutMs} ms`))), timeoutMs);
    const off = stack.backend.chat.events.subscribe((e) => {
      const greeting = e.type === 'chatMessageReceived' && e.message.metadata?.parleyKind === 'greeting';
      if ((e.type === 'chatMessageReceived' || e.type === 'chatMessageEdited') && e.threadId === threadId && e.message.senderId === stack.bot.botId && !greeting) {
        const text = e.message.content.message ?? '';
        if (match(text)) {
          clearTimeout(timer);
          off();
          resolve(text);
        }
      }
    });
  });
}

/** Polls `fn` until it returns a truthy value. */
export async function eventually<T>(fn: () => Promise<T> | T, timeoutMs = 15_000, stepMs = 100): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
