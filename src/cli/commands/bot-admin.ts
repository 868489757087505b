import type { BotAdmin, ThreadConfig, ThreadReport } from '../../bot/bot-admin.js';
import { describeFormality, describeGlossary, parseTermFlag, QualitySettingError } from '../../bot/decide/glossary.js';
import { qualityOf } from '../../bot/settings-store.js';
import { ChatRestClient } from '../../client/chat-rest-client.js';
import { TokenManager } from '../../client/token-manager.js';
import type { Config } from '../../config/load-config.js';
import { chatUrlFor } from '../../runtime/endpoints.js';
import { withSession, type CliSession } from '../session.js';

/** What a command gets besides the BotAdmin: the topics of the bot's threads, read on demand. */
interface AdminTools {
  /** Thread id → topic, as the bot sees them (its own token); throws when the backend cannot be read. */
  topics(): Promise<Map<string, string>>;
}

/**
 * Runs `fn` with a BotAdmin on the configured Redis and backend; turns failures into plain messages.
 * Languages are checked against the provider this configuration selects on this machine.
 */
const withBotAdmin = <T>(config: Config, fn: (admin: BotAdmin, tools: AdminTools) => Promise<T>): Promise<T> =>
  withSession(config, (s) => fn(s.botAdmin, { topics: () => botTopics(s) }));

/** The topics of the threads the bot is in, read as the bot (a short-lived token of its identity). */
async function botTopics(s: CliSession): Promise<Map<string, string>> {
  const botId = await s.redis.get(s.keys.botIdentity);
  if (!botId) return new Map();
  const tokens = new TokenManager(() => s.admin.issueToken(botId, ['chat'], 60), 0);
  const client = new ChatRestClient({ endpoint: s.chatUrl, tokens, tls: s.tls });
  return new Map((await client.listThreads()).map((t) => [t.id, t.topic]));
}

/** A thread's line: id, topic (when known), settings; its glossary on a line of its own. */
export function describeSettings(s: ThreadReport, topic?: string): string {
  const q = qualityOf(s);
  const glossary = describeGlossary(q.glossary);
  return (
    `${s.threadId}${topic !== undefined ? `  "${topic}"` : ''}  languages=${s.languages.join(',') || '-'}  mode=${s.mode}  analysis=${s.analysis}  ${s.enabled ? 'on' : 'off'}` +
    `  formality=${describeFormality(q.formality).replace(/ /g, '')}  context=${q.context}` +
    (glossary.length ? `\n  glossary: ${glossary.join('; ')}` : '')
  );
}

/** The settings line, then each note (languages, what the engine cannot honour) on a line of its own. */
const withNotes = (line: string, notes: readonly string[]) => [line, ...notes.map((n) => `note: ${n}`)].join('\n');

/** The settings flags of `bot add` and `bot config`, as commander parses them. */
export interface ConfigFlags {
  languages?: string;
  mode?: string;
  analysis?: string;
  on?: boolean;
  off?: boolean;
  keep?: string[];
  unkeep?: string[];
  term?: string[];
  unterm?: string[];
  clearGlossary?: boolean;
  formality?: string[];
  context?: string;
}

export function parseConfigFlags(opts: ConfigFlags): ThreadConfig {
  if (opts.on && opts.off) throw new Error('--on and --off cannot be used together');
  try {
    return { ...basicFlags(opts), ...qualityFlags(opts) };
  } catch (err) {
    if (err instanceof QualitySettingError) throw new Error(err.message);
    throw err;
  }
}

function qualityFlags(opts: ConfigFlags): ThreadConfig {
  const out: ThreadConfig = {};
  if (opts.keep || opts.unkeep || opts.term || opts.unterm || opts.clearGlossary) {
    out.glossaryEdits = {
      clear: opts.clearGlossary,
      keep: opts.keep,
      unkeep: opts.unkeep,
      terms: opts.term?.map(parseTermFlag),
      unterms: opts.unterm?.map((flag) => {
        const m = /^\s*([^:\s]+)\s*:(.+)$/.exec(flag);
        if (!m) throw new Error(`--unterm "${flag}" should look like es:ticket (language:term).`);
        return [m[1]!, m[2]!.trim()] as [string, string];
      }),
    };
  }
  if (opts.formality?.length) {
    // `formal`, or `de:informal` for one language; several flags combine.
    const entries = opts.formality.map((f) => (f.includes(':') ? (f.split(':', 2) as [string, string]) : (['default', f] as [string, string])));
    out.formality = entries.length === 1 && entries[0]![0] === 'default' ? entries[0]![1] : Object.fromEntries(entries);
  }
  if (opts.context !== undefined) {
    if (!/^\d+$/.test(opts.context.trim())) throw new Error(`--context must be a whole number from 0 to 10 (got "${opts.context}").`);
    out.context = Number(opts.context);
  }
  return out;
}

function basicFlags(opts: ConfigFlags): ThreadConfig {
  return {
    ...(opts.languages !== undefined ? { languages: opts.languages.split(',').map((l) => l.trim()).filter(Boolean) } : {}),
    ...(opts.mode ? { mode: opts.mode as ThreadConfig['mode'] } : {}),
    ...(opts.analysis ? { analysis: opts.analysis as ThreadConfig['analysis'] } : {}),
    ...(opts.on ? { enabled: true } : opts.off ? { enabled: false } : {}),
  };
}

export async function botAdd(config: Config, threadId: string, flags: ConfigFlags): Promise<void> {
  const settings = parseConfigFlags(flags);
  const [s, notes] = await withBotAdmin(config, async (a) => [await a.add(threadId, settings), a.notes(settings)] as const);
  process.stdout.write(`${withNotes(`added the bot: ${describeSettings(s)}`, [...s.notes, ...notes])}\n`);
}

export async function botConfig(config: Config, threadId: string, flags: ConfigFlags): Promise<void> {
  const settings = parseConfigFlags(flags);
  const [s, notes] = await withBotAdmin(config, async (a) => [await a.configure(threadId, settings), a.notes(settings)] as const);
  process.stdout.write(`${withNotes(`updated: ${describeSettings(s)}`, [...s.notes, ...notes])}\n`);
}

export async function botRemove(config: Config, threadId: string): Promise<void> {
  await withBotAdmin(config, (a) => a.remove(threadId));
  process.stdout.write(`removed the bot from ${threadId}\n`);
}

/**
 * `parley bot list [--json]`: every thread the bot is in, with its topic, settings and notes. Topics
 * come from the backend; when it cannot be read the list is still printed, without them, and a
 * warning says why on stderr. `--json` prints the admin API's shape (`{"value": [...]}`) with topics.
 */
export async function botList(config: Config, opts: { json?: boolean; out?: NodeJS.WritableStream; err?: NodeJS.WritableStream } = {}): Promise<void> {
  const out = opts.out ?? process.stdout;
  const errOut = opts.err ?? process.stderr;
  const [all, topics] = await withBotAdmin(config, async (a, tools) => {
    const list = await a.list();
    const names = list.length
      ? await tools.topics().catch((err: Error) => {
          errOut.write(`parley: warning: thread topics not shown: cannot read them from the chat backend at ${chatUrlFor(config)} (${err.message})\n`);
          return undefined;
        })
      : new Map<string, string>();
    return [list, names] as const;
  });
  if (opts.json) {
    const value = all.map((s) => ({ ...s, ...qualityOf(s), topic: topics?.get(s.threadId) ?? null, addedOn: new Date(s.addedOn).toISOString() }));
    out.write(`${JSON.stringify({ value }, null, 2)}\n`);
    return;
  }
  const lines = all.map((s) => withNotes(describeSettings(s, topics ? (topics.get(s.threadId) ?? '') : undefined), s.notes));
  out.write(all.length ? `${lines.join('\n')}\n` : 'the bot is in no thread yet\n');
}
