import type { Redis } from 'ioredis';
import type { AdminClient } from '../client/admin-client.js';
import { ChatApiError } from '../client/errors.js';
import { ensureBotIdentity } from './bot-identity.js';
import type { AnalysisPolicy, BotMode } from './decide/commands.js';
import type { ProviderName } from '../providers/types.js';
import { unhonoured } from './decide/engine-limits.js';
import { checkContext, editGlossary, normaliseFormality, normaliseGlossary, QualitySettingError, type GlossaryEdits } from './decide/glossary.js';
import type { LanguageSupport } from '../providers/language-support.js';
import { checkLanguages } from './decide/language-check.js';
import { normaliseLanguage } from './decide/languages.js';
import type { RedisKeys } from './redis-keys.js';
import { qualityOf, type SettingsStore, type ThreadSettings } from './settings-store.js';

export interface ThreadConfig {
  languages?: string[];
  mode?: BotMode;
  analysis?: AnalysisPolicy;
  enabled?: boolean;
  /** Each part given replaces that part of the thread's glossary. */
  glossary?: { keep?: string[]; terms?: Record<string, Record<string, string>> };
  /** Additions and removals applied after `glossary` (the CLI's `--keep`, `--term`, …). */
  glossaryEdits?: GlossaryEdits;
  /** One register, or per language code with an optional `default`. */
  formality?: string | Record<string, string>;
  /** Earlier messages sent as context with a short message, 0–10. */
  context?: number;
}

/** A thread's settings as an admin call answers them, with what the caller should know. */
export type ThreadReport = ThreadSettings & {
  /**
   * Plain sentences for whoever set them: languages reached only from some sources or through a
   * pivot, languages the engine no longer serves, "nothing will be translated" when no language
   * is set. Empty when there is nothing to say.
   */
  notes: string[];
};

/** The note for a thread the bot translates with no language set. */
export const NO_LANGUAGES_NOTE =
  'No languages set: nothing will be translated until languages are set (parley bot config <threadId> --languages es,fr, the dashboard, or "/parley languages es,fr" in the thread) or readers say what they read ("/parley me es").';

/** A bad request to the bot admin (unknown language, thread the bot is not in…). */
export class BotAdminError extends Error {
  constructor(
    readonly status: 400 | 404,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BotAdminError';
  }
}

/**
 * Adding the bot to threads and configuring it — shared by the CLI, the admin REST API and the
 * dashboard. Settings are written before the bot joins, so its listener finds them.
 */
export class BotAdmin {
  constructor(
    private readonly settings: SettingsStore,
    private readonly admin: AdminClient,
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly displayName = 'parley',
    /** The translation engine the bot runs, to say what it cannot honour; unknown: nothing said. */
    private readonly engine?: ProviderName,
    /** What the provider can translate; languages are checked against it. @defaultValue any language */
    private readonly languages: () => LanguageSupport | undefined = () => undefined,
  ) {}

  /** Sentences about settings in `config` that the bot's engine cannot honour (see `unhonoured`). */
  notes(config: ThreadConfig): string[] {
    try {
      return unhonoured(this.engine, {
        formality: config.formality === undefined ? undefined : normaliseFormality(config.formality),
        context: config.context,
      });
    } catch {
      return []; // an invalid setting was refused with its own message
    }
  }

  /** Adds the bot with `config`; refuses (400 `UnsupportedLanguage`) a language the provider cannot serve. */
  async add(threadId: string, config: ThreadConfig = {}): Promise<ThreadReport> {
    const patch = this.checked(validate(config, null));
    const botId = await ensureBotIdentity(this.redis, this.keys, this.admin);
    const existed = await this.settings.get(threadId);
    const settings = await this.settings.put(threadId, patch);
    try {
      await this.admin.addParticipant(threadId, botId, this.displayName);
    } catch (err) {
      if (!existed) await this.settings.remove(threadId);
      if (err instanceof ChatApiError && err.status === 404) throw new BotAdminError(404, 'ThreadNotFound', `Thread '${threadId}' was not found.`);
      throw err;
    }
    return this.report(settings, true);
  }

  /** Changes a thread's settings; the same language check as {@link add}. */
  async configure(threadId: string, config: ThreadConfig): Promise<ThreadReport> {
    const current = await this.settings.get(threadId);
    if (!current) throw new BotAdminError(404, 'BotNotInThread', `The bot is not in thread '${threadId}'; add it first.`);
    const patch = this.checked(validate(config, current));
    return this.report(await this.settings.put(threadId, patch), patch.languages !== undefined);
  }

  async remove(threadId: string): Promise<void> {
    const botId = await this.redis.get(this.keys.botIdentity);
    if (!(await this.settings.get(threadId))) throw new BotAdminError(404, 'BotNotInThread', `The bot is not in thread '${threadId}'.`);
    await this.settings.remove(threadId);
    if (!botId) return;
    try {
      await this.admin.removeParticipant(threadId, botId);
    } catch (err) {
      if (!(err instanceof ChatApiError && err.status === 404)) throw err;
    }
  }

  async list(): Promise<ThreadReport[]> {
    return (await this.settings.list()).map((s) => this.report(s, false));
  }

  /** The patch, once its languages passed the check against what the provider can translate. */
  private checked(patch: Partial<ThreadSettings>): Partial<ThreadSettings> {
    const support = this.languages();
    if (patch.languages && support) {
      const check = checkLanguages(patch.languages, support);
      if (check.refused.length) throw new BotAdminError(400, 'UnsupportedLanguage', check.error);
    }
    return patch;
  }

  /** The settings with their notes; `languagesSet`: the call set the languages (or added the bot). */
  private report(settings: ThreadSettings, languagesSet: boolean): ThreadReport {
    const support = this.languages();
    const notes: string[] = [];
    if (support) {
      const check = checkLanguages(settings.languages, support);
      notes.push(...check.notes);
      // Set before the engine changed (another provider, a pair uninstalled): say so, never hide it.
      if (check.refused.length) notes.push(`${check.error} Messages are not translated into ${check.refused.join(', ')}.`);
    }
    if (languagesSet && settings.languages.length === 0 && settings.mode !== 'analyze') notes.push(NO_LANGUAGES_NOTE);
    return { ...settings, notes };
  }
}

function validate(config: ThreadConfig, current: ThreadSettings | null): Partial<ThreadSettings> {
  const patch: Partial<ThreadSettings> = {};
  if (config.languages) {
    const langs = config.languages.map((l) => l.trim()).filter(Boolean);
    const bad = langs.filter((l) => !normaliseLanguage(l));
    if (bad.length) throw new BotAdminError(400, 'UnknownLanguage', `Unknown language code(s): ${bad.join(', ')}. Use ISO 639-1 codes such as es, fr, de.`);
    patch.languages = [...new Set(langs.map((l) => normaliseLanguage(l)!))];
  }
  if (config.mode) {
    if (!['translate', 'analyze', 'both'].includes(config.mode)) throw new BotAdminError(400, 'BadMode', 'mode must be translate, analyze or both.');
    patch.mode = config.mode;
  }
  if (config.analysis) {
    if (!['all', 'negative', 'none'].includes(config.analysis)) throw new BotAdminError(400, 'BadAnalysisPolicy', 'analysis must be all, negative or none.');
    patch.analysis = config.analysis;
  }
  if (config.enabled !== undefined) patch.enabled = config.enabled;
  try {
    if (config.glossary || config.glossaryEdits) {
      const before = current ? qualityOf(current).glossary : undefined;
      const given = normaliseGlossary({ keep: config.glossary?.keep ?? before?.keep, terms: config.glossary?.terms ?? before?.terms });
      patch.glossary = config.glossaryEdits ? editGlossary(given, config.glossaryEdits) : given;
    }
    if (config.formality !== undefined) patch.formality = normaliseFormality(config.formality);
    if (config.context !== undefined) patch.context = checkContext(config.context);
  } catch (err) {
    if (err instanceof QualitySettingError) throw new BotAdminError(400, err.code, err.message);
    throw err;
  }
  return patch;
}
