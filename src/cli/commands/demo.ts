import { BotAdminError } from '../../bot/bot-admin.js';
import { reinvitePerson, type Invitation } from '../../bot/invite.js';
import { ChatRestClient } from '../../client/chat-rest-client.js';
import { ChatApiError } from '../../client/errors.js';
import { TokenManager } from '../../client/token-manager.js';
import type { Config } from '../../config/load-config.js';
import { linkBaseFor } from '../../runtime/endpoints.js';
import { withSession, type CliSession } from '../session.js';

/** The demo's two people: each reads their own language, so the bot translates for the other. */
export const DEMO_PEOPLE = [
  { key: 'ana', name: 'Ana', reads: 'en' },
  { key: 'bruno', name: 'Bruno', reads: 'es' },
] as const;

export const DEMO_TOPIC = 'parley demo';

/** Sent once, into an empty demo thread: a short exchange the offline engine (Apertium) translates well. */
const SAMPLES: Array<{ from: 'ana' | 'bruno'; text: string }> = [
  { from: 'ana', text: 'Hello Bruno, the report is ready.' },
  { from: 'bruno', text: 'Gracias, Ana. Lo he leído y es muy bueno.' },
  { from: 'ana', text: 'Thank you! I will call you tomorrow.' },
  { from: 'bruno', text: 'Muy bien. Hasta mañana, Ana.' },
];

export interface DemoOptions {
  /** @defaultValue process.stdout */
  out?: NodeJS.WritableStream;
  /** @defaultValue process.stderr */
  err?: NodeJS.WritableStream;
  /** How long the first run waits for the bot's greeting before sending the samples. @defaultValue 20 s */
  greetingTimeoutMs?: number;
}

export interface DemoResult {
  threadId: string;
  /** True when this run made the thread and its people (the first run, or the old ones were gone). */
  created: boolean;
  samplesSent: number;
  invitations: Invitation[];
}

type DemoState = { threadId: string; ana: string; bruno: string };

/**
 * `parley demo`: against a running parley, a thread "parley demo" where Ana (reads English) and
 * Bruno (reads Spanish) talk, with the bot translating for each. The thread and the two identities
 * are kept in Redis (`<prefix>:demo`, next to the bot's settings for that thread), so a second run
 * reuses them — checked against the backend, and made anew if they are gone — and only issues
 * fresh links. Sample messages go only into a thread without any. Prints exactly one line per
 * person on stdout, `<name> (<language code>): <link>`; notes go to stderr.
 */
export async function demoCommand(config: Config, opts: DemoOptions = {}): Promise<DemoResult> {
  const out = opts.out ?? process.stdout;
  const err = opts.err ?? process.stderr;
  const result = await withSession(config, async (s) => {
    const baseUrl = linkBaseFor(config);
    const invite = (state: DemoState) =>
      Promise.all(DEMO_PEOPLE.map((p) => reinvitePerson(s, { threadId: state.threadId, userId: state[p.key], name: p.name, reads: [p.reads], baseUrl })));
    let state = await storedState(s);
    let invitations: Invitation[] | undefined;
    if (state) {
      try {
        invitations = await invite(state);
      } catch (e) {
        // The thread or the people are gone (a new data directory, say): start over.
        if (!(e instanceof BotAdminError || (e instanceof ChatApiError && e.status === 404))) throw e;
        err.write(`the demo thread ${state.threadId} is gone (${e.message}); making a new one\n`);
        state = null;
      }
    }
    const created = !state;
    if (!state) {
      state = await createThread(s);
      invitations = await invite(state);
    }
    // Readers are stored (above) before the bot joins, so its greeting names both languages.
    await s.botAdmin.add(state.threadId, {});
    const clients = Object.fromEntries(invitations!.map((inv, i) => [DEMO_PEOPLE[i]!.key, clientFor(s, inv)])) as Record<'ana' | 'bruno', ChatRestClient>;
    let samplesSent = 0;
    if (!(await hasChat(clients.ana, state))) {
      if (created && !(await greeted(s, clients.ana, state.threadId, opts.greetingTimeoutMs ?? 20_000))) {
        err.write('the bot has not said hello yet: is parley (npm start, or parley bot run) running with this REDIS_URL and PARLEY_REDIS_PREFIX? The messages are translated once it runs.\n');
      }
      for (const sample of SAMPLES) {
        await clients[sample.from].sendMessage(state.threadId, { content: sample.text, senderDisplayName: DEMO_PEOPLE.find((p) => p.key === sample.from)!.name });
        samplesSent++;
      }
    }
    return { threadId: state.threadId, created, samplesSent, invitations: invitations! };
  });
  for (const inv of result.invitations) out.write(`${inv.name} (${inv.reads.join(',')}): ${inv.link}\n`);
  return result;
}

async function storedState(s: CliSession): Promise<DemoState | null> {
  const h = await s.redis.hgetall(s.keys.demo);
  return h.threadId && h.ana && h.bruno ? { threadId: h.threadId, ana: h.ana, bruno: h.bruno } : null;
}

/** Two new people; Ana makes the thread with both in it. Remembered only once it exists. */
async function createThread(s: CliSession): Promise<DemoState> {
  const [ana, bruno] = await Promise.all([s.admin.createUser(), s.admin.createUser()]);
  const client = new ChatRestClient({ endpoint: s.chatUrl, tls: s.tls, tokens: new TokenManager(() => s.admin.issueToken(ana, ['chat'], 60)) });
  const threadId = await client.createThread(DEMO_TOPIC, [
    { id: ana, displayName: DEMO_PEOPLE[0].name },
    { id: bruno, displayName: DEMO_PEOPLE[1].name },
  ]);
  const state = { threadId, ana, bruno };
  await s.redis.hset(s.keys.demo, state);
  return state;
}

const clientFor = (s: CliSession, inv: Invitation) =>
  new ChatRestClient({ endpoint: s.chatUrl, tls: s.tls, tokens: new TokenManager(async () => ({ token: inv.token, expiresOn: inv.expiresOn })) });

/** Whether Ana or Bruno has said anything in the thread yet (then no samples are sent). */
async function hasChat(client: ChatRestClient, state: DemoState): Promise<boolean> {
  for await (const m of client.listMessages(state.threadId)) {
    const sender = m.senderCommunicationIdentifier?.communicationUser?.id ?? m.senderCommunicationIdentifier?.rawId;
    if ((sender === state.ana || sender === state.bruno) && (m.type === 'text' || m.type === 'html')) return true;
  }
  return false;
}

/**
 * Waits (polling the thread, up to `timeoutMs`) for the bot's greeting, so the samples come after
 * it in the history. A CLI convenience, not a correctness wait: nothing depends on it.
 */
async function greeted(s: CliSession, client: ChatRestClient, threadId: string, timeoutMs: number): Promise<boolean> {
  const botId = await s.redis.get(s.keys.botIdentity);
  const until = Date.now() + timeoutMs;
  for (;;) {
    for await (const m of client.listMessages(threadId)) {
      const sender = m.senderCommunicationIdentifier?.communicationUser?.id ?? m.senderCommunicationIdentifier?.rawId;
      if (sender === botId && m.metadata?.parleyKind === 'greeting') return true;
    }
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}
