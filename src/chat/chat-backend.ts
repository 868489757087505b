import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/load-config.js';
import { systemClock, type Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { listenOrExplain } from '../lib/listen.js';
import { RateLimiter } from '../lib/rate-limiter.js';
import { ensureSelfSignedCert } from '../lib/tls.js';
import type { Metrics } from '../metrics/metrics.js';
import { RealtimeHub, type RealtimeHubOptions } from '../realtime/realtime-hub.js';
import { webhookAdminRoutes } from '../webhooks/admin-routes.js';
import type { DispatcherOptions } from '../webhooks/dispatcher.js';
import { Webhooks } from '../webhooks/webhooks.js';
import { webchatPlugin } from '../webchat/webchat-plugin.js';
import { connectionString, resolveAccessKey } from './access-key.js';
import { TokenService } from './auth/tokens.js';
import { buildChatApp, type ChatAppOptions } from './http/app.js';
import { ChatService } from './service/chat-service.js';
import { IdentityService } from './service/identity-service.js';
import { metaValue } from './store/db.js';
import { ChatStore } from './store/chat-store.js';

export interface ChatBackendOptions {
  config: Config;
  logger: Logger;
  /** @defaultValue the system clock */
  clock?: Clock;
  /** SQLite file; `:memory:` in unit tests. @defaultValue `<dataDir>/chat.sqlite` */
  dbFile?: string;
  /** How often expired and abandoned threads are purged. @defaultValue 1 hour */
  sweepIntervalMs?: number;
  /** WebSocket tuning (heartbeat, send buffer). */
  realtime?: Pick<RealtimeHubOptions, 'heartbeatMs' | 'maxBufferedBytes'>;
  /** Prometheus metrics of this process (HTTP durations, WebSocket connections). */
  metrics?: Metrics;
  /** More route plugins on the backend's app (bot admin, dashboard in the all-in-one process). */
  plugins?: ChatAppOptions['plugins'];
  /** Webhook delivery tuning (backoff, timeouts). */
  webhooks?: Omit<DispatcherOptions, 'outbox' | 'subscriptions' | 'logger' | 'clock'>;
}

/** The chat backend, wired: store, services, HTTP(S) app. `start()` listens, `close()` stops. */
export class ChatBackend {
  readonly store: ChatStore;
  readonly chat: ChatService;
  readonly identity: IdentityService;
  readonly webhooks: Webhooks;
  readonly accessKey: string;
  readonly resourceId: string;
  app!: FastifyInstance;
  realtime!: RealtimeHub;
  /** Base URL once listening, e.g. `https://127.0.0.1:8080`. */
  url = '';
  /** Certificate file when TLS is on (for NODE_EXTRA_CA_CERTS). */
  certFile?: string;
  private sweepTimer?: NodeJS.Timeout;
  private closing?: Promise<void>;
  private readonly log: Logger;

  constructor(private readonly options: ChatBackendOptions) {
    const { config, logger, clock = systemClock } = options;
    this.log = logger.child({ component: 'chat-backend' });
    this.store = ChatStore.open(options.dbFile ?? path.join(config.dataDir, 'chat.sqlite'));
    this.resourceId = metaValue(this.store.db, 'resourceId', () => randomUUID());
    this.accessKey = resolveAccessKey(config.dataDir, config.accessKey).key;
    const tokens = new TokenService(this.accessKey, this.resourceId, clock);
    this.chat = new ChatService({ store: this.store, clock });
    this.identity = new IdentityService(this.store, tokens, this.resourceId, clock);
    this.webhooks = new Webhooks({
      db: this.store.db,
      chat: this.chat,
      logger,
      clock,
      accessKey: this.accessKey,
      topic: `/subscriptions/${this.resourceId}/resourceGroups/parley/providers/Microsoft.Communication/communicationServices/parley`,
      dispatcher: options.webhooks,
    });
  }

  get connectionString(): string {
    return connectionString(this.url, this.accessKey);
  }

  async start(): Promise<this> {
    const { config, logger, clock = systemClock } = this.options;
    const https = await this.tlsMaterial();
    this.app = buildChatApp({
      chat: this.chat,
      identity: this.identity,
      accessKey: this.accessKey,
      clock,
      limiter: config.rateLimits ? new RateLimiter(clock) : undefined,
      publicUrl: config.http.publicUrl,
      logger,
      https,
      metrics: this.options.metrics,
      plugins: [(ctx) => webhookAdminRoutes(ctx, this.webhooks), () => webchatPlugin(), ...(this.options.plugins ?? [])],
    });
    this.realtime = new RealtimeHub({
      identity: this.identity,
      events: this.chat.events,
      logger,
      clock,
      maxConnectionsPerUser: config.realtime.maxConnectionsPerUser,
      ...this.options.realtime,
    });
    this.realtime.attach(this.app.server);
    this.options.metrics?.trackConnections(() => this.realtime.connections);
    await listenOrExplain(this.app, { host: config.http.host, port: config.http.port, portVariable: 'PARLEY_PORT' });
    const address = this.app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.http.port;
    const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
    this.url = config.http.publicUrl?.replace(/\/$/, '') ?? `${https ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host}:${port}`;
    this.webhooks.start();
    this.sweepTimer = setInterval(() => this.sweep(), this.options.sweepIntervalMs ?? 3_600_000);
    this.sweepTimer.unref();
    return this;
  }

  sweep(): void {
    try {
      const purged = this.chat.sweep();
      if (purged.length) this.log.info({ purged: purged.length }, 'purged expired threads');
    } catch (err) {
      this.log.error({ err }, 'thread sweep failed');
    }
  }

  /** Idempotent: closes WebSockets (1001), stops listening, then closes the store; every step runs. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.sweepTimer);
      try {
        if (this.realtime) await this.realtime.close();
      } catch (err) {
        this.log.error({ err }, 'closing WebSockets failed');
      }
      try {
        await this.webhooks.close();
      } catch (err) {
        this.log.error({ err }, 'stopping webhook delivery failed');
      }
      try {
        if (this.app) await this.app.close();
      } catch (err) {
        this.log.error({ err }, 'closing HTTP server failed');
      }
      await this.store.close();
    })();
    return this.closing;
  }

  private async tlsMaterial(): Promise<{ key: string; cert: string } | undefined> {
    const { tls, dataDir, http } = this.options.config;
    if (tls.mode === 'files') {
      this.certFile = tls.certFile;
      return { key: fs.readFileSync(tls.keyFile!, 'utf8'), cert: fs.readFileSync(tls.certFile!, 'utf8') };
    }
    if (tls.mode === 'self-signed') {
      const material = await ensureSelfSignedCert(path.join(dataDir, 'tls'), http.host);
      this.certFile = material.certFile;
      return material;
    }
    return undefined;
  }
}
