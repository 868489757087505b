/**
 * A chat backend serving the web chat, a bot on real Redis with the offline engine (Apertium), and
 * invite links made by the code behind `parley invite` (identity, participant, reader languages,
 * token, `#token=…&thread=…&name=…&reads=…`).
 */
import { Bot } from '../../src/bot/bot.js';
import { invitePerson, reinvitePerson, type Invitation } from '../../src/bot/invite.js';
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
  const deps = { admin: bot.admin, settings: bot.settings };
  const asInvited = (i: Invitation): Invited => ({ name: i.name, userId: i.userId, url: i.link });
  return {
    backend,
    bot,
    watch,
    async thread(topic, people, settings = {}) {
      const first = people[0]!;
      const creator = backend.identity.createUser();
      const { thread } = backend.chat.createThread(creator, { topic, participants: [{ rawId: creator, displayName: first.name }] });
      await bot.settings.put(thread.id, { languages: [], mode: 'translate', analysis: 'none', ...settings });
      await bot.admin.addParticipant(thread.id, bot.botId, 'parley');
      const invited = [await reinvitePerson(deps, { userId: creator, threadId: thread.id, name: first.name, reads: first.reads, baseUrl: backend.url })];
      for (const p of people.slice(1)) invited.push(await invitePerson(deps, { threadId: thread.id, name: p.name, reads: p.reads, baseUrl: backend.url }));
      return { threadId: thread.id, people: invited.map(asInvited) };
    },
    async invite(threadId, person, { expiresInMinutes = 60 } = {}) {
      return asInvited(await invitePerson(deps, { threadId, name: person.name, reads: person.reads, baseUrl: backend.url, expiresInMinutes }));
    },
    async close() {
      watch.close();
      await bot.close();
      await backend.close();
      await deletePrefix(REDIS_URL, prefix);
    },
  };
}
