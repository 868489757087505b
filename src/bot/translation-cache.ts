import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys.js';

export interface CacheScope {
  provider: string;
  model: string;
  promptVersion: string;
  format: 'text' | 'html';
  /** Anything else the translation depends on (glossary, register, context), hashed; absent when nothing. */
  variant?: string;
}

/**
 * Translations in Redis, one entry per (normalised protected text, target language, provider,
 * model, prompt version, format, variant: the glossary terms, register and context used), so repeated text costs no model call and a partial hit only asks
 * the model for the missing languages.
 */
export class TranslationCache {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    /** @defaultValue 30 days */
    private readonly ttlSeconds = 30 * 24 * 3600,
  ) {}

  private key(text: string, lang: string, s: CacheScope): string {
    const normalised = text.normalize('NFC').replace(/\s+/g, ' ').trim();
    // A variant is appended only when set, so keys without one stay what they were.
    const parts = [s.provider, s.model, s.promptVersion, s.format, lang, normalised, ...(s.variant ? [s.variant] : [])];
    const h = createHash('sha256').update(parts.join('\u0000')).digest('base64url');
    return this.keys.cache(h);
  }

  async getMany(text: string, langs: string[], scope: CacheScope): Promise<Record<string, string>> {
    if (langs.length === 0) return {};
    const values = await this.redis.mget(langs.map((l) => this.key(text, l, scope)));
    const out: Record<string, string> = {};
    langs.forEach((l, i) => {
      const v = values[i];
      if (v != null) out[l] = v;
    });
    return out;
  }

  async putMany(text: string, translations: Record<string, string>, scope: CacheScope): Promise<void> {
    const entries = Object.entries(translations);
    if (entries.length === 0) return;
    // Plain commands, not a transaction (each entry stands alone): sent together by the
    // connection's auto-pipelining, without the cost of building a Pipeline object.
    await Promise.all(entries.map(([l, t]) => this.redis.set(this.key(text, l, scope), t, 'EX', this.ttlSeconds)));
  }
}
