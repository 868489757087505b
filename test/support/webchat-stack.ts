/**
 * A chat backend serving the web chat, a bot on real Redis with the offline engine (Apertium), and
 * invite links made the way the contract says (`#token=…&thread=…&name=…&reads=…`) — without the
 * `parley invite` CLI, straight from the backend's identity service.
 */
import { Bot } from '../../src/bot/bot.js';
import { createLogger } from '../../src/lib/logger.js';
import { LocalProvider } from '../../src/providers/local-provider.js';
import type { ThreadSettings } from '../../src/bot/settings-store.js';
import type { ModelProvider } from '../../src/providers/types.js';
import { BotPostWatch, REDIS_URL, deletePrefix, uniquePrefix } from './bot-env.js';
import { startTestBackend, type TestBackend, type TestBackendOptions } from './chat-server.js';

export interface Person {
  name: string;
  reads: string[];
}

export interface Invited {
  name: string;
  userId: string;
  url: string;
}

export interface WebchatStack {
  backend: TestBackend;
  bot: Bot;
  watch: BotPostWatch;
  /**
   * A thread started by the first of `people` with the others in it and the bot added, and for each
   * person the link that opens the web chat signed in as them.
   */
  thread(topic: string, people: Person[], settings?: Partial<Omit<ThreadSettings, 'threadId'>>): Promise<{ threadId: string; people: Invited[] }>;
  /** A new person in `threadId` and their link. */
  invite(threadId: string, person: Person, opts?: { expiresInMinutes?: number }): Promise<Invited>;
  close(): Promise<void>;
}

export async function startWebchatStack(name: string, opts: { provider?: ModelProvider; backend?: TestBackendOptions } = {}): Promise<WebchatStack> {
  const prefix = uniquePrefix(name);
  const backend = await startTestBackend(opts.backend);
  const bot = await new Bot({
    chatUrl: backend.url,
    accessKey: backend.accessKey,
    redisUrl: REDIS_URL,
    prefix,
    provider: opts.provider ?? new LocalProvider(),
    logger: createLogger('silent'),
  }).start();
  const watch = new BotPostWatch(backend, () => bot.botId);
  const link = async (threadId: string, person: Person, userId: string, expiresInMinutes = 60): Promise<Invited> => {
    const { token } = await backend.identity.issueToken(userId, ['chat'], expiresInMinutes);
    const fragment = `token=${token}&thread=${encodeURIComponent(threadId)}&name=${encodeURIComponent(person.name)}&reads=${person.reads.join(',')}`;
    return { name: person.name, userId, url: `${backend.url}/#${fragment}` };
  };
  return {
    backend,
    bot,
    watch,
    async thread(topic, people, settings = {}) {
      const ids = people.map(() => backend.identity.createUser());
      const { thread } = backend.chat.createThread(ids[0]!, { topic, participants: people.map((p, i) => ({ rawId: ids[i]!, displayName: p.name })) });
      await bot.settings.put(thread.id, { languages: [], mode: 'translate', analysis: 'none', ...settings });
      await bot.admin.addParticipant(thread.id, bot.botId, 'parley');
      return { threadId: thread.id, people: await Promise.all(people.map((p, i) => link(thread.id, p, ids[i]!))) };
    },
    async invite(threadId, person, { expiresInMinutes = 60 } = {}) {
      const userId = backend.identity.createUser();
      backend.chat.addParticipants({ admin: true }, threadId, [{ rawId: userId, displayName: person.name }]);
      return link(threadId, person, userId, expiresInMinutes);
    },
    async close() {
      watch.close();
      await bot.close();
      await backend.close();
      await deletePrefix(REDIS_URL, prefix);
    },
  };
}
