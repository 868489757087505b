import type { Redis } from 'ioredis';
import type { AnalysisPolicy, BotMode } from './decide/commands.js';
import { EMPTY_GLOSSARY, type FormalitySetting, type Glossary } from './decide/glossary.js';
import type { RedisKeys } from './redis-keys.js';

export interface ThreadSettings {
  threadId: string;
  /** Target languages of the thread (ISO 639-1). */
  languages: string[];
  mode: BotMode;
  /** Which analyses are posted in the thread (all are kept for the dashboard). */
  analysis: AnalysisPolicy;
  enabled: boolean;
  // The three below are always set by the store; optional so a settings literal without them
  // (older code, fixtures) still type-checks. Read them through `qualityOf`.
  /** Terms never translated and fixed translations per language. @defaultValue none */
  glossary?: Glossary;
  /** The register of translations (`auto`: as the original is written). @defaultValue `'auto'` */
  formality?: FormalitySetting;
  /** How many earlier messages travel with a short message as context (0–10). @defaultValue {@link DEFAULT_CONTEXT} */
  context?: number;
  addedOn: number;
}

/** Earlier messages sent as context with a short message, unless the thread says otherwise. */
export const DEFAULT_CONTEXT = 3;

/** A thread's glossary, formality and context, defaults filled in. */
export function qualityOf(s: Pick<ThreadSettings, 'glossary' | 'formality' | 'context'>): { glossary: Glossary; formality: FormalitySetting; context: number } {
  return { glossary: s.glossary ?? EMPTY_GLOSSARY, formality: s.formality ?? 'auto', context: s.context ?? DEFAULT_CONTEXT };
}

export const DEFAULT_SETTINGS: Required<Omit<ThreadSettings, 'threadId' | 'addedOn'>> = {
  languages: [],
  mode: 'translate',
  analysis: 'negative',
  enabled: true,
  glossary: EMPTY_GLOSSARY,
  formality: 'auto',
  context: DEFAULT_CONTEXT,
};

const ADVANCE_CURSOR_LUA = "local c = tonumber(redis.call('GET', KEYS[1]) or '-1') if tonumber(ARGV[1]) > c then redis.call('SET', KEYS[1], ARGV[1]) end";

type CursorRedis = Redis & { parleyAdvanceCursor(key: string, at: string): Promise<unknown> };

function quality(s: ThreadSettings): Record<string, string> {
  const q = qualityOf(s);
  return { glossary: JSON.stringify(q.glossary), formality: typeof q.formality === 'string' ? q.formality : JSON.stringify(q.formality), context: String(q.context) };
}

/** Per-thread bot settings and the languages each participant reads, in Redis. */
export class SettingsStore {
  private readonly redis: CursorRedis;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    // EVALSHA: the listener moves a cursor per message; EVAL would send and hash the script each time.
    redis.defineCommand('parleyAdvanceCursor', { numberOfKeys: 1, lua: ADVANCE_CURSOR_LUA });
    this.redis = redis as CursorRedis;
  }

  async get(threadId: string): Promise<ThreadSettings | null> {
    const h = await this.redis.hgetall(this.keys.thread(threadId));
    if (!h.mode) return null;
    return {
      threadId,
      languages: h.languages ? h.languages.split(',') : [],
      mode: h.mode as BotMode,
      analysis: (h.analysis ?? 'negative') as AnalysisPolicy,
      enabled: h.enabled !== '0',
      glossary: h.glossary ? (JSON.parse(h.glossary) as Glossary) : DEFAULT_SETTINGS.glossary,
      formality: h.formality ? (h.formality.startsWith('{') ? (JSON.parse(h.formality) as FormalitySetting) : (h.formality as FormalitySetting)) : 'auto',
      context: h.context ? Number(h.context) : DEFAULT_CONTEXT,
      addedOn: Number(h.addedOn ?? 0),
    };
  }

  /** Creates or updates a thread's settings; the thread joins the served set. */
  async put(threadId: string, patch: Partial<Omit<ThreadSettings, 'threadId'>>, now = Date.now()): Promise<ThreadSettings> {
    const current = (await this.get(threadId)) ?? { threadId, ...DEFAULT_SETTINGS, addedOn: now };
    const next: ThreadSettings = { ...current, ...patch, threadId };
    await this.redis
      .multi()
      .hset(this.keys.thread(threadId), {
        languages: next.languages.join(','),
        mode: next.mode,
        analysis: next.analysis,
        enabled: next.enabled ? '1' : '0',
        ...quality(next),
        addedOn: String(next.addedOn),
      })
      .sadd(this.keys.threads, threadId)
      .exec();
    return next;
  }

  /** Stops serving a thread and forgets its settings, readers and cursor. */
  async remove(threadId: string): Promise<void> {
    await this.redis
      .multi()
      .srem(this.keys.threads, threadId)
      .del(this.keys.thread(threadId), this.keys.readers(threadId), this.keys.cursor(threadId))
      .exec();
  }

  async threadIds(): Promise<string[]> {
    return this.redis.smembers(this.keys.threads);
  }

  async list(): Promise<ThreadSettings[]> {
    const ids = (await this.threadIds()).sort();
    const all = await Promise.all(ids.map((id) => this.get(id)));
    return all.filter((s): s is ThreadSettings => s !== null);
  }

  async setReader(threadId: string, userId: string, languages: string[]): Promise<void> {
    if (languages.length) await this.redis.hset(this.keys.readers(threadId), userId, languages.join(','));
    else await this.redis.hdel(this.keys.readers(threadId), userId);
  }

  /** userId → languages that user reads. */
  async readers(threadId: string): Promise<Record<string, string[]>> {
    const h = await this.redis.hgetall(this.keys.readers(threadId));
    return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, v.split(',').filter(Boolean)]));
  }

  /** The time (epoch ms) of the last change the listener enqueued for the thread. */
  async cursor(threadId: string): Promise<number | null> {
    const v = await this.redis.get(this.keys.cursor(threadId));
    return v === null ? null : Number(v);
  }

  /** Moves the cursor forward only (a Lua max, safe with concurrent listeners). */
  async advanceCursor(threadId: string, at: number): Promise<void> {
    await this.redis.parleyAdvanceCursor(this.keys.cursor(threadId), String(at));
  }
}
