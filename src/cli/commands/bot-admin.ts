import type { BotAdmin, ThreadConfig } from '../../bot/bot-admin.js';
import { describeFormality, describeGlossary, parseTermFlag, QualitySettingError } from '../../bot/decide/glossary.js';
import { qualityOf, type ThreadSettings } from '../../bot/settings-store.js';
import type { Config } from '../../config/load-config.js';
import { withSession } from '../session.js';

/** Runs `fn` with a BotAdmin on the configured Redis and backend; turns failures into plain messages. */
const withBotAdmin = <T>(config: Config, fn: (admin: BotAdmin) => Promise<T>): Promise<T> => withSession(config, (s) => fn(s.botAdmin));

export function describeSettings(s: ThreadSettings): string {
  const q = qualityOf(s);
  const glossary = describeGlossary(q.glossary);
  return (
    `${s.threadId}  languages=${s.languages.join(',') || '-'}  mode=${s.mode}  analysis=${s.analysis}  ${s.enabled ? 'on' : 'off'}` +
    `  formality=${describeFormality(q.formality).replace(/ /g, '')}  context=${q.context}` +
    (glossary.length ? `\n  glossary: ${glossary.join('; ')}` : '')
  );
}

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

/** Prints what the bot's engine cannot honour of the settings just made. */
const printNotes = (notes: string[]) => notes.forEach((n) => process.stdout.write(`note: ${n}\n`));

export async function botAdd(config: Config, threadId: string, flags: ConfigFlags): Promise<void> {
  const settings = parseConfigFlags(flags);
  const [s, notes] = await withBotAdmin(config, async (a) => [await a.add(threadId, settings), a.notes(settings)] as const);
  process.stdout.write(`added the bot: ${describeSettings(s)}\n`);
  printNotes(notes);
}

export async function botConfig(config: Config, threadId: string, flags: ConfigFlags): Promise<void> {
  const settings = parseConfigFlags(flags);
  const [s, notes] = await withBotAdmin(config, async (a) => [await a.configure(threadId, settings), a.notes(settings)] as const);
  process.stdout.write(`updated: ${describeSettings(s)}\n`);
  printNotes(notes);
}

export async function botRemove(config: Config, threadId: string): Promise<void> {
  await withBotAdmin(config, (a) => a.remove(threadId));
  process.stdout.write(`removed the bot from ${threadId}\n`);
}

export async function botList(config: Config, opts: { json?: boolean } = {}): Promise<void> {
  const all = await withBotAdmin(config, (a) => a.list());
  if (opts.json) {
    // The same shape as the admin API's GET /admin/bot/threads.
    const value = all.map((s) => ({ ...s, ...qualityOf(s), addedOn: new Date(s.addedOn).toISOString() }));
    process.stdout.write(`${JSON.stringify({ value }, null, 2)}\n`);
    return;
  }
  process.stdout.write(all.length ? `${all.map(describeSettings).join('\n')}\n` : 'the bot is in no thread yet\n');
}
