import cliProgress from 'cli-progress';
import { ensureBotIdentity } from '../../bot/bot-identity.js';
import { changeOf, Intake, type MessageChange } from '../../bot/intake.js';
import { messageJobId } from '../../bot/queue/jobs.js';
import { CommandGate } from '../../bot/command-gate.js';
import { RedisKeys } from '../../bot/redis-keys.js';
import { SettingsStore } from '../../bot/settings-store.js';
import { AdminClient } from '../../client/admin-client.js';
import { ChatRestClient } from '../../client/chat-rest-client.js';
import { TokenManager } from '../../client/token-manager.js';
import type { Config } from '../../config/load-config.js';
import { createLogger } from '../../lib/logger.js';
import { accessKeyFor, chatTrustFor, chatUrlFor } from '../../runtime/endpoints.js';
import { withQueue } from './queue.js';

export interface BackfillArgs {
  threadId: string;
  /** An ISO 8601 time, or a span back from now: `90s`, `30m`, `2h`, `7d`. */
  since: string;
  /** Wait for the jobs to finish, showing progress. @defaultValue true */
  wait?: boolean;
  /** Stop waiting after this long (the jobs stay queued). @defaultValue 10 minutes */
  timeoutMs?: number;
  /** @defaultValue process.stdout */
  out?: NodeJS.WritableStream;
  /** @defaultValue Date.now() */
  now?: number;
}

export interface BackfillResult {
  /** Messages of the thread that the bot should handle. */
  messages: number;
  /** Of those, jobs that had already finished before this run (earlier run, or the live listener). */
  alreadyDone: number;
  /** Jobs of these messages that completed, before or during this run. */
  completed: number;
  /** Jobs of these messages that failed for good (retry them with `parley queue retry-failed`). */
  failed: number;
  /** Waiting stopped at `timeoutMs` with jobs still queued. */
  timedOut: boolean;
}

const SPAN = /^(\d+|\d+\.\d+)\s*([smhdw])$/i;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses `--since`: an ISO time or a span back from `now`; throws on anything else or a future time. */
export function parseSince(value: string, now = Date.now()): Date {
  const span = SPAN.exec(value.trim());
  const at = span ? now - Number(span[1]) * UNIT_MS[span[2]!.toLowerCase()]! : Date.parse(value);
  if (Number.isNaN(at)) throw new Error(`--since '${value}' is neither an ISO time (2026-11-20T09:00Z) nor a span (30m, 2h, 7d)`);
  if (at > now) throw new Error(`--since '${value}' is in the future`);
  return new Date(at);
}

/**
 * `parley bot backfill <threadId> --since <time>`: lists the thread's messages changed since the
 * time through the bot's own REST client and enqueues them through the listener's intake. Job ids
 * are the listener's deterministic ids, so a message already handled — by an earlier backfill or
 * live — is not handled again. Then shows a progress bar over the jobs until they finish.
 */
export async function backfill(config: Config, args: BackfillArgs): Promise<BackfillResult> {
  const out = args.out ?? process.stdout;
  const since = parseSince(args.since, args.now);
  const logger = createLogger('silent');
  return withQueue(config, async (queue, _stats, redis) => {
    const keys = new RedisKeys(config.redis.prefix);
    const settings = new SettingsStore(redis, keys);
    if (!(await settings.get(args.threadId))) {
      throw new Error(`the bot is not in thread '${args.threadId}'; add it first: parley bot add ${args.threadId}`);
    }
    const tls = chatTrustFor(config);
    const admin = new AdminClient(chatUrlFor(config), accessKeyFor(config), { tls });
    const botId = await ensureBotIdentity(redis, keys, admin);
    const client = new ChatRestClient({ endpoint: chatUrlFor(config), tls, tokens: new TokenManager(() => admin.issueToken(botId, ['chat'], 60)) });

    const changes: MessageChange[] = [];
    for await (const m of client.listMessages(args.threadId, { startTime: since })) {
      const change = changeOf(args.threadId, m, botId);
      if (change) changes.push(change);
    }
    changes.sort((a, b) => a.changedAt - b.changedAt);
    const ids = changes.map((c) => messageJobId(c));
    const pending = new Set(ids);
    let completed = 0;
    let failed = 0;
    // After the enqueue, a job that no longer exists finished and was trimmed.
    const check = async (id: string, goneMeansDone = true) => {
      const state = await queue.getJobState(id);
      if (state === 'completed' || (state === 'unknown' && goneMeansDone)) completed++;
      else if (state === 'failed') failed++;
      else return;
      pending.delete(id);
    };
    // Already finished before this run: its jobs exist, so enqueueing them again changes nothing.
    for (const id of ids) await check(id, false);
    const alreadyDone = ids.length - pending.size;
    const intake = new Intake(queue, settings, logger, new CommandGate(redis, keys));
    for (const change of changes) if (pending.has(messageJobId(change))) await intake.enqueue({ ...change, origin: 'backfill' });
    out.write(`backfill ${args.threadId} since ${since.toISOString()}: ${ids.length} messages, ${alreadyDone} already handled, ${pending.size} queued\n`);
    const result = { messages: ids.length, alreadyDone, completed: 0, failed: 0, timedOut: false };
    if (args.wait === false || pending.size === 0) return { ...result, completed, failed };

    const bar = new cliProgress.SingleBar(
      {
        stream: out,
        format: 'translating |{bar}| {percentage}% | {value}/{total} messages | {failed} failed | ETA {eta_formatted}',
        noTTYOutput: true,
        notTTYSchedule: 1000,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(ids.length, alreadyDone, { failed });
    const deadline = Date.now() + (args.timeoutMs ?? 600_000);
    try {
      while (pending.size && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        // Workers take jobs roughly in order: the oldest pending ones are the ones worth asking about.
        await Promise.all([...pending].slice(0, 200).map((id) => check(id)));
        bar.update(completed + failed, { failed });
      }
    } finally {
      bar.stop();
    }
    const timedOut = pending.size > 0;
    out.write(timedOut ? `stopped waiting: ${pending.size} still queued (they will still be processed)\n` : `done: ${completed} translated or handled, ${failed} failed\n`);
    return { ...result, completed, failed, timedOut };
  });
}
