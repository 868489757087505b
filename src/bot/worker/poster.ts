import type { Redis } from 'ioredis';
import type { ChatRestClient } from '../../client/chat-rest-client.js';
import { ChatApiError } from '../../client/errors.js';
import type { RedisKeys } from '../redis-keys.js';
import type { Post } from './compose.js';

interface PostRecord {
  postId: string;
  sourceVersion: string;
  /** The original was deleted: its post is gone and none may be made again. */
  deleted?: true;
}

const TOMBSTONE: PostRecord = { postId: '', sourceVersion: '', deleted: true };
const RECORD_TTL_S = 90 * 24 * 3600;

/** Stores a record unless the original was deleted meanwhile; returns the record it found. */
const REMEMBER_LUA = `
local prev = redis.call('GET', KEYS[1])
if prev and string.find(prev, '"deleted":true', 1, true) then return prev end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return prev`;

type PosterRedis = Redis & { parleyRememberPost(key: string, record: string, ttl: number): Promise<string | null> };

/**
 * Posts, updates and deletes the bot's post for an original message, idempotently: the mapping
 * original → post lives in Redis, and when a job runs again after a crash (the mapping may be
 * missing although the post went out) the thread is searched for a post carrying the original's id
 * before anything is sent.
 */
export class Poster {
  private readonly redis: PosterRedis;

  constructor(
    private readonly client: ChatRestClient,
    redis: Redis,
    private readonly keys: RedisKeys,
    private readonly botId: string,
  ) {
    redis.defineCommand('parleyRememberPost', { numberOfKeys: 1, lua: REMEMBER_LUA });
    this.redis = redis as PosterRedis;
  }

  /** Creates the post, or updates the existing one; `rerun` = this job ran before. */
  async upsert(threadId: string, source: { id: string; createdOn: number }, post: Post, rerun: boolean): Promise<'posted' | 'updated' | 'unchanged'> {
    const existing = (await this.record(threadId, source.id)) ?? (rerun ? await this.find(threadId, source) : null);
    const version = post.metadata.parleySourceVersion!;
    if (existing?.deleted) return 'unchanged';
    if (existing) {
      if (existing.sourceVersion === version) {
        await this.remember(threadId, source.id, existing);
        return 'unchanged';
      }
      // Versions are change times: a job for an older version that finishes after a newer one's
      // (a slow model call overtaken by the edit's) must not put the old translation back.
      if (Number(existing.sourceVersion) > Number(version)) return 'unchanged';
      try {
        await this.client.updateMessage(threadId, existing.postId, { content: post.content, metadata: post.metadata });
      } catch (err) {
        if (err instanceof ChatApiError && err.status === 404) return 'unchanged'; // deleted meanwhile
        throw err;
      }
      await this.remember(threadId, source.id, { postId: existing.postId, sourceVersion: version });
      return 'updated';
    }
    const postId = await this.client.sendMessage(threadId, { content: post.content, type: post.type, metadata: post.metadata });
    if (await this.remember(threadId, source.id, { postId, sourceVersion: version })) return 'posted';
    // The original was deleted while this was being translated: take the post back.
    await this.deleteQuietly(threadId, postId);
    return 'unchanged';
  }

  /**
   * Deletes the bot's post for an original, if there is one. `forever` (the original was deleted)
   * leaves a tombstone, so a job still translating the original cannot post it afterwards; an edit
   * that no longer needs a translation only forgets the post.
   */
  async remove(threadId: string, source: { id: string; createdOn: number }, { forever }: { forever: boolean }): Promise<boolean> {
    const key = this.keys.post(threadId, source.id);
    const previous = forever ? parse(await this.redis.set(key, JSON.stringify(TOMBSTONE), 'EX', RECORD_TTL_S, 'GET')) : await this.record(threadId, source.id);
    // No live record (never made, or lost in a crash, or a delete job run again): look in the thread.
    const existing = previous?.postId ? previous : await this.find(threadId, source);
    if (!existing) return false;
    await this.deleteQuietly(threadId, existing.postId);
    if (!forever) await this.redis.del(key);
    return true;
  }

  /** A reply to a command: sent once per command message. */
  async reply(threadId: string, source: { id: string; createdOn: number }, post: Post, rerun: boolean): Promise<void> {
    const existing = (await this.record(threadId, source.id)) ?? (rerun ? await this.find(threadId, source) : null);
    if (existing) return;
    const postId = await this.client.sendMessage(threadId, { content: post.content, type: post.type, metadata: post.metadata });
    await this.remember(threadId, source.id, { postId, sourceVersion: source.id });
  }

  private async record(threadId: string, sourceId: string): Promise<PostRecord | null> {
    return parse(await this.redis.get(this.keys.post(threadId, sourceId)));
  }

  /** Records the post; `false` when the original was deleted meanwhile (nothing is written then). */
  private async remember(threadId: string, sourceId: string, rec: PostRecord): Promise<boolean> {
    const previous = await this.redis.parleyRememberPost(this.keys.post(threadId, sourceId), JSON.stringify(rec), RECORD_TTL_S);
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
