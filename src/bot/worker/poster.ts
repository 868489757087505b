import type { Redis } from 'ioredis';
import type { ChatRestClient } from '../../client/chat-rest-client.js';
import { ChatApiError } from '../../client/errors.js';
import type { RedisKeys } from '../redis-keys.js';
import type { Post } from './compose.js';

interface PostRecord {
  /** The bot's post; absent when the newest version handled wants no post (see `sourceVersion`). */
  postId?: string;
  /** The original's version the record is for. */
  sourceVersion?: string;
  /** The original was deleted: its post is gone and none may be made again. */
  deleted?: true;
  /** The attempt posting for this original right now (`jobId:token`), and since when (Redis time, ms). */
  lockedBy?: string;
  lockedAt?: number;
}

const TOMBSTONE: PostRecord = { deleted: true };
const RECORD_TTL_S = 90 * 24 * 3600;
/**
 * A lock older than this belongs to an attempt that died: another job takes over (and searches the
 * thread first). Longer than the slowest posting can take (REST timeout 30 s, retried on 429/503
 * after their Retry-After); a later attempt of the same job takes over at once.
 */
const LOCK_STALE_MS = 5 * 60_000;

/**
 * Takes the per-original lock inside the record. ARGV: owner (`jobId:token`), the job id, stale ms,
 * TTL. Answers [state, previous record]: `deleted` (a tombstone), `busy` (another job holds a live
 * lock), `stale` (a lock was left behind — by a dead attempt, or an earlier one of this job — whose
 * holder may have posted without recording it) or `ok`.
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
  local sameJob = string.sub(rec.lockedBy, 1, string.len(ARGV[2]) + 1) == ARGV[2] .. ':'
  if not sameJob and tonumber(rec.lockedAt) + tonumber(ARGV[3]) > now then return {'busy', raw} end
  state = 'stale'
end
rec.lockedBy = ARGV[1]
rec.lockedAt = now
redis.call('SET', KEYS[1], cjson.encode(rec), 'EX', ARGV[4])
return {state, raw or ''}`;

/**
 * Stores the final record (dropping the lock) if the caller still holds the lock. ARGV: owner, the
 * record (JSON, or '' to delete the record), TTL. Answers 'ok', 'deleted' (a tombstone: nothing
 * written) or 'lost' (another attempt took the lock over: nothing written).
 */
const SETTLE_LUA = `
local raw = redis.call('GET', KEYS[1])
if raw then
  local rec = cjson.decode(raw)
  if rec.deleted then return 'deleted' end
  if rec.lockedBy ~= ARGV[1] then return 'lost' end
else
  return 'lost'
end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
return 'ok'`;

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
  parleyClaimPost(key: string, owner: string, jobId: string, staleMs: number, ttl: number): Promise<[string, string]>;
  parleySettlePost(key: string, owner: string, record: string, ttl: number): Promise<'ok' | 'deleted' | 'lost'>;
  parleyUnlockPost(key: string, owner: string): Promise<number>;
};

/** Another job is posting for the same original right now; try again shortly. */
export class PostBusyError extends Error {
  constructor() {
    super('another job is posting for this message');
    this.name = 'PostBusyError';
  }
}

/** Who is posting: the job and this attempt of it (BullMQ's lock token), and whether it ran before. */
export interface PostAttempt {
  jobId: string;
  /** Tells this attempt from an earlier one of the same job (which may still be running). */
  token: string;
  /** The job ran before (retried or stalled): a post may exist that was never recorded. */
  rerun: boolean;
}

/** What the lock's holder found. */
interface Found {
  /** The bot's live post for the original, if any. */
  post: { postId: string; sourceVersion: string } | null;
  /** The newest version anyone handled (with or without a post). */
  version: string | null;
  deleted: boolean;
}

/**
 * Posts, updates and deletes the bot's post for an original message, idempotently. The record
 * original → post lives in Redis and doubles as a per-original lock, so jobs for two versions of one
 * message (the original and its edit, running at once) never both create a post: the second waits
 * ({@link PostBusyError}) and then updates the first's post. The record also remembers the newest
 * version handled, even when that version wanted no post, so an older version never posts or
 * overwrites after a newer one. Writes are fenced by the lock: an attempt whose lock was taken over
 * writes nothing and takes back a post it just made. When a job runs again after a crash, or takes
 * over a lock its holder left behind, the thread is searched for a post carrying the original's id
 * before anything is sent. A delete leaves a tombstone that always wins.
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
    redis.defineCommand('parleySettlePost', { numberOfKeys: 1, lua: SETTLE_LUA });
    redis.defineCommand('parleyUnlockPost', { numberOfKeys: 1, lua: UNLOCK_LUA });
    this.redis = redis as PosterRedis;
  }

  /**
   * Creates the post, or updates the existing one. `onSent` runs (synchronously) as soon as the post
   * went out, just before its record is written: Redis calls it starts share that round trip.
   */
  upsert(
    threadId: string,
    source: { id: string; createdOn: number },
    post: Post,
    attempt: PostAttempt,
    onSent: () => void = () => {},
  ): Promise<'posted' | 'updated' | 'unchanged'> {
    const version = post.metadata.parleySourceVersion!;
    return this.locked(threadId, source, attempt, async (found, settle) => {
      if (found.deleted) return 'unchanged';
      // Versions are change times: a job for an older version that finishes after a newer one's
      // (a slow model call overtaken by the edit's) must not put the old translation back.
      if (found.version !== null && Number(found.version) >= Number(version)) {
        await settle(found.post ?? { sourceVersion: found.version });
        return 'unchanged';
      }
      if (found.post) {
        try {
          await this.client.updateMessage(threadId, found.post.postId, { content: post.content, metadata: post.metadata });
        } catch (err) {
          if (!(err instanceof ChatApiError && err.status === 404)) throw err;
          // The post was deleted (by hand, or by a delete job whose tombstone stays): forget it.
          await settle(null);
          return 'unchanged';
        }
        onSent();
        await settle({ postId: found.post.postId, sourceVersion: version });
        return 'updated';
      }
      const postId = await this.client.sendMessage(threadId, { content: post.content, type: post.type, metadata: post.metadata });
      onSent();
      if ((await settle({ postId, sourceVersion: version })) === 'ok') return 'posted';
      // Deleted meanwhile, or another attempt took over (and may have posted): take this post back.
      await this.deleteQuietly(threadId, postId);
      return 'unchanged';
    });
  }

  /**
   * Deletes the bot's post for an original, if there is one. `forever` (the original was deleted)
   * leaves a tombstone at once, lock or not, so no job still translating the original can post it
   * afterwards (a holder that posted meanwhile sees the tombstone and takes its post back). Otherwise
   * (an edit that no longer needs a translation) the record keeps the edit's version with no post.
   */
  async remove(threadId: string, source: { id: string; createdOn: number }, attempt: PostAttempt & { forever: boolean; version?: string }): Promise<boolean> {
    if (attempt.forever) {
      const key = this.keys.post(threadId, source.id);
      const previous = parse(await this.redis.set(key, JSON.stringify(TOMBSTONE), 'EX', RECORD_TTL_S, 'GET'));
      // No live record (never made, lost in a crash, a delete job run again, or a post in flight).
      const existing = previous?.postId ? previous : await this.find(threadId, source);
      if (!existing?.postId) return false;
      await this.deleteQuietly(threadId, existing.postId);
      return true;
    }
    return this.locked(threadId, source, attempt, async (found, settle) => {
      if (found.deleted) return false;
      if (found.version !== null && attempt.version !== undefined && Number(found.version) >= Number(attempt.version)) {
        await settle(found.post ?? { sourceVersion: found.version });
        return false;
      }
      if (found.post) await this.deleteQuietly(threadId, found.post.postId);
      await settle(attempt.version !== undefined ? { sourceVersion: attempt.version } : null);
      return Boolean(found.post);
    });
  }

  /**
   * A reply to a command: `compose` (which applies the command) runs and its answer is sent only
   * when no reply exists yet, so each command message is applied and answered once. `false` when it
   * was answered before (or deleted).
   */
  reply(threadId: string, source: { id: string; createdOn: number }, attempt: PostAttempt, compose: () => Promise<Post>): Promise<boolean> {
    return this.locked(threadId, source, attempt, async (found, settle) => {
      if (found.deleted) return false;
      if (found.post) {
        await settle(found.post);
        return false;
      }
      const post = await compose();
      const postId = await this.client.sendMessage(threadId, { content: post.content, type: post.type, metadata: post.metadata });
      if ((await settle({ postId, sourceVersion: source.id })) !== 'ok') await this.deleteQuietly(threadId, postId);
      return true;
    });
  }

  /**
   * Runs `fn` holding the original's lock, with the post as far as anyone knows: the record, or — if
   * a post may exist unrecorded (this job ran before, or took over a stale lock) — what the thread
   * shows. `fn` ends with `settle`, which writes the record (or deletes it, `null`) and drops the lock
   * — only if this attempt still holds it.
   */
  private async locked<T>(
    threadId: string,
    source: { id: string; createdOn: number },
    attempt: PostAttempt,
    fn: (found: Found, settle: (rec: PostRecord | null) => Promise<'ok' | 'deleted' | 'lost'>) => Promise<T>,
  ): Promise<T> {
    const key = this.keys.post(threadId, source.id);
    const owner = `${attempt.jobId}:${attempt.token}`;
    const [state, raw] = await this.redis.parleyClaimPost(key, owner, attempt.jobId, LOCK_STALE_MS, RECORD_TTL_S);
    if (state === 'busy') throw new PostBusyError();
    const previous = parse(raw || null);
    const settle = async (rec: PostRecord | null) => {
      const final = rec ? JSON.stringify({ postId: rec.postId, sourceVersion: rec.sourceVersion }) : '';
      return this.redis.parleySettlePost(key, owner, final, RECORD_TTL_S);
    };
    try {
      const found: Found = {
        deleted: Boolean(previous?.deleted),
        post: previous?.postId ? { postId: previous.postId, sourceVersion: previous.sourceVersion ?? '' } : null,
        version: previous?.sourceVersion ?? null,
      };
      if (!found.deleted && !found.post && (attempt.rerun || state === 'stale')) {
        const seen = await this.find(threadId, source);
        if (seen) {
          found.post = { postId: seen.postId!, sourceVersion: seen.sourceVersion ?? '' };
          if (found.version === null || Number(seen.sourceVersion) > Number(found.version)) found.version = seen.sourceVersion ?? null;
        }
      }
      return await fn(found, settle);
    } catch (err) {
      await this.redis.parleyUnlockPost(key, owner).catch(() => undefined);
      throw err;
    }
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
