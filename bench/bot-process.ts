/**
 * The bot side of `bench/bot.ts`, in its own process (as `parley bot` runs in production), driven
 * over IPC. Two modes:
 *
 * - `parley`: the real Bot (listener + workers, one process), OpenAIProvider against the fake model.
 * - `naive`: the baseline: a plain WebSocket client logged in as a user that, in its
 *   `chatMessageReceived` handler, calls the model (same OpenAIProvider, so the same request and
 *   validation) and posts the result over REST. No queue, no Redis, no cache, no idempotency.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { Bot } from '../src/bot/bot.js';
import { AdminClient } from '../src/client/admin-client.js';
import { ChatRestClient } from '../src/client/chat-rest-client.js';
import { TokenManager } from '../src/client/token-manager.js';
import { createLogger } from '../src/lib/logger.js';
import { OpenAIProvider } from '../src/providers/openai-provider.js';
import { TextWorkPool } from '../src/bot/text-work/text-work.js';

export interface BotProcessArgs {
  mode: 'parley' | 'naive';
  chatUrl: string;
  accessKey: string;
  redisUrl: string;
  prefix: string;
  modelUrl: string;
  concurrency: number;
  /** Languages the naive bot translates into (parley reads them from thread settings). */
  languages: string[];
}

export type BotProcessCommand = { cmd: 'concurrency'; n: number } | { cmd: 'cpu' } | { cmd: 'close' };
export type BotProcessReport =
  | { event: 'ready'; userId: string }
  | { event: 'ok'; cpuMs?: number; loopDelayP99Ms?: number }
  | { event: 'error'; message: string };

const args = JSON.parse(process.argv[2] ?? '{}') as BotProcessArgs;
// How long callbacks wait for this process's event loop: high values mean it is the bottleneck.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const report = (r: BotProcessReport) => process.send!(r);
const provider = new OpenAIProvider({ baseURL: args.modelUrl, apiKey: 'bench', model: 'fake' });

async function startParley(): Promise<{ userId: string; setConcurrency(n: number): void; close(): Promise<void> }> {
  // As startBot wires it for `parley bot`: the text work on worker threads, within a budget.
  const text = new TextWorkPool();
  text.warm();
  const bot = await new Bot({
    text,
    chatUrl: args.chatUrl,
    accessKey: args.accessKey,
    redisUrl: args.redisUrl,
    prefix: args.prefix,
    provider,
    logger: createLogger('silent'),
    concurrency: args.concurrency,
  }).start();
  return {
    userId: bot.botId,
    setConcurrency: (n) => void (bot.worker!.concurrency = n),
    close: () => bot.close(),
  };
}

async function startNaive(): Promise<{ userId: string; setConcurrency(n: number): void; close(): Promise<void> }> {
  const admin = new AdminClient(args.chatUrl, args.accessKey);
  const userId = await admin.createUser();
  const tokens = new TokenManager(() => admin.issueToken(userId, ['chat'], 1440));
  const rest = new ChatRestClient({ endpoint: args.chatUrl, tokens });
  const ws = new WebSocket(`${args.chatUrl.replace(/^http/, 'ws')}/notifications`, { headers: { authorization: `Bearer ${await tokens.get()}` } });
  await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { type: string; payload: Record<string, any> };
    if (frame.type !== 'chatMessageReceived') return;
    const p = frame.payload;
    if (p.sender?.communicationUserId === userId || p.metadata?.isBot === 'true') return;
    void (async () => {
      try {
        const r = await provider.translate({ text: p.message, format: 'text', targetLanguages: args.languages });
        const content = Object.entries(r.translations).map(([l, t]) => `[${l}] ${t}`).join('\n');
        await rest.sendMessage(p.threadId, { content, metadata: { isBot: 'true', parleySourceId: p.id } });
      } catch (err) {
        report({ event: 'error', message: (err as Error).message });
      }
    })();
  });
  return {
    userId,
    setConcurrency: () => undefined,
    close: async () => ws.close(),
  };
}

const bot = args.mode === 'parley' ? await startParley() : await startNaive();
// The benchmark died (a crash, its watchdog): do not linger holding Redis connections and jobs.
process.on('disconnect', () => process.exit(1));
process.on('message', (m: BotProcessCommand) => {
  if (m.cmd === 'concurrency') {
    bot.setConcurrency(m.n);
    report({ event: 'ok' });
  } else if (m.cmd === 'cpu') {
    const { user, system } = process.cpuUsage();
    report({ event: 'ok', cpuMs: (user + system) / 1000, loopDelayP99Ms: loopDelay.percentile(99) / 1e6 });
    loopDelay.reset();
  } else if (m.cmd === 'close') {
    void bot.close().finally(() => process.exit(0));
  }
});
report({ event: 'ready', userId: bot.userId });
