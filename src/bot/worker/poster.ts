import type { Redis } from 'ioredis';
import type { ChatRestClient } from '../../client/chat-rest-client.js';
import { ChatApiError } from '../../client/errors.js';
import type { RedisKeys } from '../redis-keys.js';
import type { Post } from './compose.js';

interface PostRecord {
  postId?: string;
  sourceVersion?: string;
  /** The original was deleted: its post is gone and none may be made again. */
  deleted?: true;
  /** The job posting for this original right now, and when it took the lock (Redis time, ms). */
  lockedBy?: string;
  lockedAt?: number;
}

const TOMBSTONE: PostRecord = { deleted: true };
const RECORD_TTL_S = 90 * 24 * 3600;
/** A lock older than this belongs to a job that died: the next one takes over (and searches the thread). */
const LOCK_STALE_MS = 30_000;

/**
 * Takes the per-original lock inside the record. Answers [state, previous record]: `deleted` (a
 * tombstone), `busy` (another job holds a live lock), `stale` (a lock was left behind: its holder may
 * have posted without recording it) or `ok`.
 */
const CLAIM_LUA = `
local raw = redis.call('GET', KEYS[1])
local rec = {}
if raw then rec = cjson.decode(raw) end
if rec.deleted then return {'deleted', raw} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = 'ok'
if rec.lockedBy then
  if rec.lockedBy ~= ARGV[1] and tonumber(rec.lockedAt) + tonumber(ARGV[2]) > now then return {'busy', raw} end
  state = 'stale'
end
rec.lockedBy = ARGV[1]
rec.lockedAt = now
redis.call('SET', KEYS[1], cjson.encode(rec), 'EX', ARGV[3])
return {state, raw or ''}`;

/** Stores the final record (dropping the lock) unless the original was deleted meanwhile; returns the record it found. */
const REMEMBER_LUA = `
local prev = redis.call('GET', KEYS[1])
if prev and string.find(prev, '"deleted":true', 1, true) then return prev end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return prev`;

/** Gives the lock up after a failure: marked stale, so whoever comes next checks the thread first. */
const UNLOCK_LUA = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local rec = cjson.decode(raw)
if rec.lockedBy ~= ARGV[1] then return 0 end
rec.lockedAt = 0
redis.call('SET', KEYS[1], cjson.encode(rec), 'KEEPTTL')
return 1`;

type PosterRedis = Redis & {
  parleyClaimPost(key: string, owner: string, staleMs: number, ttl: number): Promise<[string, string]>;
  parleyRememberPost(key: string, record: string, ttl: number): Promise<string | null>;
  parleyUnlockPost(key: string, owner: string): Promise<number>;
};

/** Another job is posting for the same original right now; try again shortly. */
export class PostBusyError extends Error {
  constructor() {
    super('another job is posting for this message');
    this.name = 'PostBusyError';
  }
}

/** Who is posting: the job (its id is the lock's owner) and whether it ran before. */
export interface PostAttempt {
  jobId: string;
  /** The job ran before (retried or stalled): a post may exist that was never recorded. */
  rerun: boolean;
}

/**
 * Posts, updates and deletes the bot's post for an original message, idempotently. The mapping
 * original → post lives in Redis and doubles as a per-original lock, so jobs for two versions of one
 * message (the original and its edit, running at once) never both create a post: the second waits
 * ({@link PostBusyError}) and then updates the first's post. When a job runs again after a crash, or
 * takes over a lock its holder left behind, the thread is searched for a post carrying the
 * original's id before anything is sent.
 */
export class Poster {
  private readonly redis: PosterRedis;

  constructor(
    private readonly client: ChatRestClient,
    redis: Redis,
    private readonly keys: RedisKeys,
    private readonly botId: string,
  ) {
    redis.defineCommand('parleyClaimPost', { numberOfKeys: 1, lua: CLAIM_LUA });
    redis.defineCommand('parleyRememberPost', { numberOfKeys: 1, lua: REMEMBER_LUA });
    redis.defineCommand('parleyUnlockPost', { numberOfKeys: 1, lua: UNLOCK_LUA });
    this.redis = redis as PosterRedis;
  }

  /** Creates the post, or updates the existing one. */
  upsert(threadId: string, source: { id: string; createdOn: number }, post: Post, attempt: PostAttempt): Promise<'posted' | 'updated' | 'unchanged'> {
    const version = post.metadata.parleySourceVersion!;
    return this.locked(threadId, source, attempt, async (existing) => {
      if (existing?.deleted) return 'unchanged';
      if (existing) {
        if (existing.sourceVersion === version) {
          await this.remember(threadId, source.id, existing);
          return 'unchanged';
        }
        // Versions are change times: a job for an older version that finishes after a newer one's
        // (a slow model call overtaken by the edit's) must not put the old translation back.
        if (Number(existing.sourceVersion) > Number(version)) {
          await this.remember(threadId, source.id, existing);
          return 'unchanged';
        }
        try {
          await this.client.updateMessage(threadId, existing.postId!, { content: post.content, metadata: post.metadata });
        } catch (err) {
          if (!(err instanceof ChatApiError && err.status === 404)) throw err;
          await this.redis.del(this.keys.post(threadId, source.id)); // the post was deleted by hand
          return 'unchanged';
        }
        await this.remember(threadId, source.id, { postId: existing.postId, sourceVersion: version });
        return 'updated';
      }
      const postId = await this.client.sendMessage(threadId, { content: post.content, type: post.type, metadata: post.metadata });
      if (await this.remember(threadId, source.id, { postId, sourceVersion: version })) return 'posted';
      // The original was deleted while this was being translated: take the post back.
      await this.deleteQuietly(threadId, postId);
      return 'unchanged';
    });
  }

  /**
   * Deletes the bot's post for an original, if there is one. `forever` (the original was deleted)
   * leaves a tombstone at once, lock or not, so no job still translating the original can post it
   * afterwards (a holder that posted meanwhile sees the tombstone and takes its post back); an edit
   * that no longer needs a translation only forgets the post.
   */
  async remove(threadId: string, source: { id: string; createdOn: number }, attempt: PostAttempt & { forever: boolean }): Promise<boolean> {
    const key = this.keys.post(threadId, source.id);
    if (attempt.forever) {
      const previous = parse(await this.redis.set(key, JSON.stringify(TOMBSTONE), 'EX', RECORD_TTL_S, 'GET'));
      // No live record (never made, lost in a crash, a delete job run again, or a post in flight).
      const existing = previous?.postId ? previous : await this.find(threadId, source);
      if (!existing) return false;
      await this.deleteQuietly(threadId, existing.postId!);
      return true;
    }
    return this.locked(threadId, source, attempt, async (existing) => {
      if (existing?.deleted) return false;
      if (existing?.postId) await this.deleteQuietly(threadId, existing.postId);
      await this.redis.del(key);
      return Boolean(existing?.postId);
    });
  }

  /**
   * A reply to a command: `compose` (which applies the command) runs and its answer is sent only
   * when no reply exists yet, so each command message is applied and answered once. `false` when it
   * was answered before (or deleted).
   */
  reply(threadId: string, source: { id: string; createdOn: number }, attempt: PostAttempt, compose: () => Promise<Post>): Promise<boolean> {
    return this.locked(threadId, source, attempt, async (existing) => {
      if (existing) {
        if (!existing.deleted) await this.remember(threadId, source.id, existing);
        return false;
      }
      const post = await compose();
      const postId = await this.client.sendMessage(threadId, { content: post.content, type: post.type, metadata: post.metadata });
      await this.remember(threadId, source.id, { postId, sourceVersion: source.id });
      return true;
    });
  }

  /**
   * Runs `fn` holding the original's lock, with the post as far as anyone knows: the record, or — if
   * a post may exist unrecorded (this job ran before, or took over a stale lock) — what the thread
   * shows. `fn` must end by writing the record (or deleting it), which also drops the lock.
   */
  private async locked<T>(
    threadId: string,
    source: { id: string; createdOn: number },
    attempt: PostAttempt,
    fn: (existing: PostRecord | null) => Promise<T>,
  ): Promise<T> {
    const key = this.keys.post(threadId, source.id);
    const [state, raw] = await this.redis.parleyClaimPost(key, attempt.jobId, LOCK_STALE_MS, RECORD_TTL_S);
    if (state === 'busy') throw new PostBusyError();
    const previous = parse(raw || null);
    let existing: PostRecord | null = previous?.deleted ? TOMBSTONE : previous?.postId ? previous : null;
    if (!existing && (attempt.rerun || state === 'stale')) existing = await this.find(threadId, source);
    try {
      return await fn(existing);
    } catch (err) {
      await this.redis.parleyUnlockPost(key, attempt.jobId).catch(() => undefined);
      throw err;
    }
  }

  /** Records the post; `false` when the original was deleted meanwhile (nothing is written then). */
  private async remember(threadId: string, sourceId: string, rec: PostRecord): Promise<boolean> {
    const final: PostRecord = { postId: rec.postId, sourceVersion: rec.sourceVersion };
    const previous = await this.redis.parleyRememberPost(this.keys.post(threadId, sourceId), JSON.stringify(final), RECORD_TTL_S);
    return !parse(previous)?.deleted;
  }

  private async deleteQuietly(threadId: string, postId: string): Promise<void> {
    try {
      await this.client.deleteMessage(threadId, postId);
    } catch (err) {
      if (!(err instanceof ChatApiError && err.status === 404)) throw err;
    }
  }

  /** The bot's post for an original, found in the thread's history (posts come after their original). */
  private async find(threadId: string, source: { id: string; createdOn: number }): Promise<PostRecord | null> {
    for await (const m of this.client.listMessages(threadId, { startTime: new Date(source.createdOn - 1) })) {
      const sender = m.senderCommunicationIdentifier?.communicationUser?.id ?? m.senderCommunicationIdentifier?.rawId;
      if (sender === this.botId && m.metadata?.parleySourceId === source.id && !m.deletedOn) {
        return { postId: m.id, sourceVersion: m.metadata.parleySourceVersion ?? '' };
      }
    }
    return null;
  }
}

const parse = (raw: string | null): PostRecord | null => (raw ? (JSON.parse(raw) as PostRecord) : null);
