import type { BotAdmin, ThreadConfig } from '../../bot/bot-admin.js';
import type { ThreadSettings } from '../../bot/settings-store.js';
import type { Config } from '../../config/load-config.js';
import { withSession } from '../session.js';

/** Runs `fn` with a BotAdmin on the configured Redis and backend; turns failures into plain messages. */
const withBotAdmin = <T>(config: Config, fn: (admin: BotAdmin) => Promise<T>): Promise<T> => withSession(config, (s) => fn(s.botAdmin));

export const describeSettings = (s: ThreadSettings): string =>
  `${s.threadId}  languages=${s.languages.join(',') || '-'}  mode=${s.mode}  analysis=${s.analysis}  ${s.enabled ? 'on' : 'off'}`;

export function parseConfigFlags(opts: { languages?: string; mode?: string; analysis?: string; on?: boolean; off?: boolean }): ThreadConfig {
  if (opts.on && opts.off) throw new Error('--on and --off cannot be used together');
  return {
    ...(opts.languages !== undefined ? { languages: opts.languages.split(',').map((l) => l.trim()).filter(Boolean) } : {}),
    ...(opts.mode ? { mode: opts.mode as ThreadConfig['mode'] } : {}),
    ...(opts.analysis ? { analysis: opts.analysis as ThreadConfig['analysis'] } : {}),
    ...(opts.on ? { enabled: true } : opts.off ? { enabled: false } : {}),
  };
}

export async function botAdd(config: Config, threadId: string, flags: Parameters<typeof parseConfigFlags>[0]): Promise<void> {
  const s = await withBotAdmin(config, (a) => a.add(threadId, parseConfigFlags(flags)));
  process.stdout.write(`added the bot: ${describeSettings(s)}\n`);
}

export async function botConfig(config: Config, threadId: string, flags: Parameters<typeof parseConfigFlags>[0]): Promise<void> {
  const s = await withBotAdmin(config, (a) => a.configure(threadId, parseConfigFlags(flags)));
  process.stdout.write(`updated: ${describeSettings(s)}\n`);
}

export async function botRemove(config: Config, threadId: string): Promise<void> {
  await withBotAdmin(config, (a) => a.remove(threadId));
  process.stdout.write(`removed the bot from ${threadId}\n`);
}

export async function botList(config: Config): Promise<void> {
  const all = await withBotAdmin(config, (a) => a.list());
  process.stdout.write(all.length ? `${all.map(describeSettings).join('\n')}\n` : 'the bot is in no thread yet\n');
}
