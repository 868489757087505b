import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { QUALITY_SETTINGS_SCHEMA } from '../bot/decide/quality-schema.js';
import { ApiError } from '../chat/errors.js';
import type { ThreadReport } from '../bot/bot-admin.js';
import { availableLanguages, describeLanguage } from '../bot/decide/language-check.js';
import { servedTargets } from '../providers/language-support.js';
import { requireBot, requireBotAdmin, type DashboardDeps } from './deps.js';
import { parseDashboardBody } from './parse-body.js';
import { priorityLabel } from './priority-label.js';
import { threadMessages } from './thread-messages.js';
import { topicCache, type TopicCache } from './topics.js';

const threadId = z.string().trim().min(1).max(512);
const config = {
  languages: z.array(z.string().min(2).max(16)).max(10).optional(),
  mode: z.enum(['translate', 'analyze', 'both']).optional(),
  analysis: z.enum(['all', 'negative', 'none']).optional(),
  enabled: z.boolean().optional(),
  ...QUALITY_SETTINGS_SCHEMA,
};
const configBody = z.object({ threadId, ...config });
const inviteBody = z.object({ threadId, name: z.string().trim().min(1, 'give the person a name').max(256), reads: z.array(z.string().min(2).max(16)).max(10).default([]) });
const messagesQuery = z.object({ threadId, limit: z.coerce.number().int().min(1).max(100).default(30) });

/** `notes`: the thread's own (languages) and what the bot's engine cannot honour of the settings just made. */
const withNotes = <T extends { notes: string[] }>({ notes: own, ...body }: T, notes: string[]) => {
  const all = [...own, ...notes];
  return all.length ? { ...body, notes: all } : body;
};

/** A thread as the API answers it: settings, topic and `notes` (sentences to show next to the thread). */
const wire = (s: ThreadReport, topics: Map<string, string>) => ({ ...s, topic: topics.get(s.threadId) ?? null });

/**
 * Threads and priority JSON API: `GET /dashboard/api/threads` (every thread the bot serves, with
 * its settings), `POST /dashboard/api/threads` (add the bot), `PATCH /dashboard/api/threads` (change
 * settings), `POST /dashboard/api/threads/remove`, all with `threadId` in the body;
 * `GET /dashboard/api/threads/messages?threadId=…` (a thread's recent messages, folded, read-only);
 * `POST /dashboard/api/threads/invite` `{threadId, name, reads}` (admin: the person's web chat link); and
 * `GET /dashboard/api/priority` (threads by recent negative sentiment, with their latest analyses).
 *
 * `GET /dashboard/api/languages` says what the provider translates into. Languages it cannot
 * translate into are refused with 400 `UnsupportedLanguage`, whose message names what is available
 * and the fix; accepted answers carry `notes` (pivoted or source-limited languages, "nothing will be
 * translated" without languages, what the engine cannot honour) to show the operator.
 */
export function threadsApi(deps: DashboardDeps, topics: TopicCache = topicCache()) {
  const log = deps.logger.child({ component: 'dashboard' });
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
    app.get<{ Querystring: { threadId?: string; limit?: string } }>('/dashboard/api/threads/messages', async (request) => {
      const { threadId: id, limit } = parseDashboardBody(messagesQuery, request.query);
      const bot = requireBot(deps);
      const [value, names] = await Promise.all([threadMessages(bot, id, limit), topics(bot, [id])]);
      return { threadId: id, topic: names.get(id) ?? null, value };
    });
    app.post('/dashboard/api/threads/invite', async (request, reply) => {
      const input = parseDashboardBody(inviteBody, request.body);
      if (!deps.invite) throw new ApiError(501, 'InviteUnavailable', 'This process cannot invite people; use npx parley invite.');
      const invitation = await deps.invite(input);
      log.info({ threadId: input.threadId, userId: invitation.userId }, 'person invited from the dashboard');
      // The link signs the person in: never cached, never logged.
      void reply.header('cache-control', 'no-store');
      return { threadId: input.threadId, name: invitation.name, userId: invitation.userId, link: invitation.link };
    });
    // What the provider translates into, for the thread forms: `any: true` (a model API), or each
    // target language with its sources (`note`: direct and pivoted sources, for the offline engine).
    app.get('/dashboard/api/languages', async () => {
      const support = requireBot(deps).languageSupport();
      const targets = support ? servedTargets(support) : null;
      return {
        engine: support?.engine ?? 'the model',
        any: targets === null,
        available: support ? availableLanguages(support) : 'any language',
        value: (targets ?? []).map((language) => ({ language, description: describeLanguage(support, language) })),
      };
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
          label: priorityLabel(r.latest),
          latest: r.latest.map((a) => ({ messageId: a.messageId, senderDisplayName: a.senderDisplayName, text: a.text, sentiment: a.sentiment, at: a.at })),
        })),
      };
    });
  };
}
