import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ChatRestClient } from '../../client/chat-rest-client.js';
import { ChatApiError } from '../../client/errors.js';
import type { Logger } from '../../lib/logger.js';
import { languageName } from '../decide/languages.js';
import { BOT_METADATA_KEY } from '../decide/message-filter.js';
import { greetingJobId, greetingJobSchema } from '../queue/jobs.js';
import type { RedisKeys } from '../redis-keys.js';
import type { SettingsStore, ThreadSettings } from '../settings-store.js';
import type { Post } from './compose.js';

/** The `parleyKind` of the bot's introduction (a notice, not a translation of anything). */
export const GREETING_KIND = 'greeting';

/**
 * The bot's one short introduction: what it does in the thread, in which languages, and
 * `/parley help`. `languages` are the thread's and its readers' (ISO 639-1), in the order to list.
 */
export function composeGreeting(settings: Pick<ThreadSettings, 'mode'>, languages: string[]): Post {
  const named = languages.map((l) => `${languageName(l)} (${l})`).join(', ');
  const translating = settings.mode !== 'analyze';
  const lines = [
    translating
      ? named
        ? `Hi, I'm parley. I translate this thread so each of you reads it in your own language: ${named}.`
        : "Hi, I'm parley. I translate this thread so each of you reads it in your own language; no language is set yet."
      : "Hi, I'm parley. I analyse the sentiment of this thread's messages.",
    translating ? 'Tell me the languages you read with /parley me <codes> (e.g. /parley me es); /parley help lists every command.' : '/parley help lists every command.',
  ];
  return { content: lines.join('\n'), type: 'text', metadata: { [BOT_METADATA_KEY]: 'true', parleyKind: GREETING_KIND } };
}

export interface GreeterDeps {
  botId: string;
  client: ChatRestClient;
  settings: SettingsStore;
  redis: Redis;
  keys: RedisKeys;
  logger: Logger;
}

/**
 * The worker's handler of greeting jobs. A thread is greeted once, ever: the first job claims the
 * thread in Redis (`greeted:<thread>`, never expires, kept when the bot leaves), so a re-add, a
 * restart or a redelivered event says nothing. A retried job that had claimed it looks for its own
 * post in the thread before posting, so a crash after posting does not greet twice.
 */
export function createGreeter(deps: GreeterDeps) {
  return async (job: Job): Promise<{ outcome: string }> => {
    const data = greetingJobSchema.parse(job.data);
    const jobId = job.id ?? greetingJobId(data);
    const settings = await deps.settings.get(data.threadId);
    if (!settings) return { outcome: 'skipped: bot not in thread' };
    const key = deps.keys.greeted(data.threadId);
    if ((await deps.redis.set(key, jobId, 'NX')) === null) {
      if ((await deps.redis.get(key)) !== jobId) return { outcome: 'skipped: already greeted' };
      if (await greeted(deps, data.threadId, data.addedOn)) return { outcome: 'skipped: already greeted' };
    }
    const readers = await deps.settings.readers(data.threadId);
    // The thread's languages in their order, then the readers' sorted (a hash has no useful order).
    const languages = [...new Set([...settings.languages, ...Object.values(readers).flat().sort()])];
    const post = composeGreeting(settings, languages);
    try {
      await deps.client.sendMessage(data.threadId, post);
    } catch (err) {
      // Removed (or the thread deleted) before it could say hello: nothing to greet any more.
      if (err instanceof ChatApiError && (err.status === 403 || err.status === 404)) return { outcome: 'skipped: bot not in thread' };
      throw err;
    }
    deps.logger.info({ threadId: data.threadId }, 'greeted thread');
    return { outcome: 'greeted' };
  };
}

/** Whether the bot's greeting is in the thread already (posted after it was added). */
async function greeted(deps: GreeterDeps, threadId: string, addedOn: number): Promise<boolean> {
  for await (const m of deps.client.listMessages(threadId, { startTime: new Date(addedOn - 1) })) {
    const sender = m.senderCommunicationIdentifier?.communicationUser?.id ?? m.senderCommunicationIdentifier?.rawId;
    if (sender === deps.botId && m.metadata?.parleyKind === GREETING_KIND && !m.deletedOn) return true;
  }
  return false;
}
