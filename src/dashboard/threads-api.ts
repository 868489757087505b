import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { QUALITY_SETTINGS_SCHEMA } from '../bot/decide/quality-schema.js';
import type { Bot } from '../bot/bot.js';
import type { ThreadSettings } from '../bot/settings-store.js';
import { requireBot, requireBotAdmin, type DashboardDeps } from './deps.js';
import { parseDashboardBody } from './parse-body.js';

const threadId = z.string().trim().min(1).max(512);
const config = {
  languages: z.array(z.string().min(2).max(16)).max(10).optional(),
  mode: z.enum(['translate', 'analyze', 'both']).optional(),
  analysis: z.enum(['all', 'negative', 'none']).optional(),
  enabled: z.boolean().optional(),
  ...QUALITY_SETTINGS_SCHEMA,
};
const configBody = z.object({ threadId, ...config });

const TOPICS_TTL_MS = 30_000;

/**
 * Thread topics from the bot's own thread list, cached: listed again after 30 s, or at once when
 * asked about a thread the last listing did not have (once per such thread). Concurrent callers
 * share one listing.
 */
function topicCache() {
  let cached: { at: number; bot: Bot; topics: Map<string, string>; unknown: Set<string> } | undefined;
  let inflight: Promise<Map<string, string>> | undefined;
  const list = async (bot: Bot, ids: string[]) => {
    let topics = cached?.topics ?? new Map<string, string>();
    try {
      topics = new Map((await bot.client.listThreads()).map((t) => [t.id, t.topic]));
    } catch {
      // Keep what we had: topics are decoration, never a reason to fail the page.
    }
    cached = { at: Date.now(), bot, topics, unknown: new Set(ids.filter((id) => !topics.has(id))) };
    return topics;
  };
  return async (bot: Bot, ids: string[]): Promise<Map<string, string>> => {
    const fresh = cached && cached.bot === bot && Date.now() - cached.at < TOPICS_TTL_MS;
    if (fresh && ids.every((id) => cached!.topics.has(id) || cached!.unknown.has(id))) return cached!.topics;
    inflight ??= list(bot, ids).finally(() => (inflight = undefined));
    return inflight;
  };
}

/** `notes`: what the bot's engine cannot honour of the settings just made (absent when nothing). */
const withNotes = <T extends object>(body: T, notes: string[]) => (notes.length ? { ...body, notes } : body);

const wire = (s: ThreadSettings, topics: Map<string, string>) => ({ ...s, topic: topics.get(s.threadId) ?? null });

/**
 * Threads and priority JSON API: `GET /dashboard/api/threads` (every thread the bot serves, with
 * its settings), `POST /dashboard/api/threads` (add the bot), `PATCH /dashboard/api/threads` (change
 * settings), `POST /dashboard/api/threads/remove`, all with `threadId` in the body; and
 * `GET /dashboard/api/priority` (threads by recent negative sentiment, with their latest analyses).
 */
export function threadsApi(deps: DashboardDeps) {
  const log = deps.logger.child({ component: 'dashboard' });
  const topics = topicCache();
  return async (app: FastifyInstance) => {
    app.get('/dashboard/api/threads', async () => {
      const bot = requireBot(deps);
      const list = await requireBotAdmin(deps).list();
      const names = await topics(bot, list.map((s) => s.threadId));
      return { value: list.map((s) => wire(s, names)) };
    });
    app.post('/dashboard/api/threads', async (request) => {
      const { threadId: id, ...patch } = parseDashboardBody(configBody, request.body);
      const admin = requireBotAdmin(deps);
      const settings = await admin.add(id, patch);
      log.info({ threadId: id }, 'bot added to a thread from the dashboard');
      return withNotes(wire(settings, new Map()), admin.notes(patch));
    });
    app.patch('/dashboard/api/threads', async (request) => {
      const { threadId: id, ...patch } = parseDashboardBody(configBody, request.body);
      const admin = requireBotAdmin(deps);
      const settings = await admin.configure(id, patch);
      log.info({ threadId: id, languages: settings.languages, mode: settings.mode }, 'thread settings changed from the dashboard');
      return withNotes(wire(settings, new Map()), admin.notes(patch));
    });
    app.post('/dashboard/api/threads/remove', async (request) => {
      const { threadId: id } = parseDashboardBody(z.object({ threadId }), request.body);
      await requireBotAdmin(deps).remove(id);
      log.info({ threadId: id }, 'bot removed from a thread from the dashboard');
      return { threadId: id, removed: true };
    });
    app.get('/dashboard/api/priority', async () => {
      const bot = requireBot(deps);
      const rows = await bot.sentiment.priority(50);
      const names = await topics(bot, rows.map((r) => r.threadId));
      return {
        value: rows.map((r) => ({
          threadId: r.threadId,
          topic: names.get(r.threadId) ?? null,
          score: r.score,
          latest: r.latest.map((a) => ({ messageId: a.messageId, senderDisplayName: a.senderDisplayName, text: a.text, sentiment: a.sentiment, at: a.at })),
        })),
      };
    });
  };
}
