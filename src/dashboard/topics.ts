import type { Bot } from '../bot/bot.js';

const TOPICS_TTL_MS = 30_000;

/**
 * Thread topics from the bot's own thread list, cached: listed again after 30 s, or at once when
 * asked about a thread the last listing did not have (once per such thread). Concurrent callers
 * share one listing.
 */
export function topicCache() {
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


/** Looks up the topics of thread ids (see {@link topicCache}). */
export type TopicCache = ReturnType<typeof topicCache>;
