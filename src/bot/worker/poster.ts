import type { Redis } from 'ioredis';
import type { ChatRestClient } from '../../client/chat-rest-client.js';
import { ChatApiError } from '../../client/errors.js';
import type { RedisKeys } from '../redis-keys.js';
import type { Post } from './compose.js';

interface PostRecord {
  postId: string;
  sourceVersion: string;
}

/**
 * Posts, updates and deletes the bot's post for an original message, idempotently: the mapping
 * original → post lives in Redis, and when a job runs again after a crash (the mapping may be
 * missing although the post went out) the thread is searched for a post carrying the original's id
 * before anything is sent.
 */
export class Poster {
  constructor(
    private readonly client: ChatRestClient,
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly botId: string,
  ) {}

  /** Creates the post, or updates the existing one; `rerun` = this job ran before. */
  async upsert(threadId: string, source: { id: string; createdOn: number }, post: Post, rerun: boolean): Promise<'posted' | 'updated' | 'unchanged'> {
    const existing = (await this.record(threadId, source.id)) ?? (rerun ? await this.find(threadId, source) : null);
    const version = post.metadata.parleySourceVersion!;
    if (existing) {
      if (existing.sourceVersion === version) {
        await this.remember(threadId, source.id, existing);
        return 'unchanged';
      }
      // Versions are change times: a job for an older version that finishes after a newer one's
      // (a slow model call overtaken by the edit's) must not put the old translation back.
      if (Number(existing.sourceVersion) > Number(version)) return 'unchanged';
      await this.client.updateMessage(threadId, existing.postId, { content: post.content, metadata: post.metadata });
      await this.remember(threadId, source.id, { postId: existing.postId, sourceVersion: version });
      return 'updated';
    }
    const postId = await this.client.sendMessage(threadId, { content: post.content, type: post.type, metadata: post.metadata });
    await this.remember(threadId, source.id, { postId, sourceVersion: version });
    return 'posted';
  }

  /** Deletes the bot's post for an original, if there is one. */
  async remove(threadId: string, source: { id: string; createdOn: number }): Promise<boolean> {
    const existing = (await this.record(threadId, source.id)) ?? (await this.find(threadId, source));
    if (!existing) return false;
    try {
      await this.client.deleteMessage(threadId, existing.postId);
    } catch (err) {
      if (!(err instanceof ChatApiError && err.status === 404)) throw err;
    }
    await this.redis.del(this.keys.post(threadId, source.id));
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
    const raw = await this.redis.get(this.keys.post(threadId, sourceId));
    return raw ? (JSON.parse(raw) as PostRecord) : null;
  }

  private async remember(threadId: string, sourceId: string, rec: PostRecord): Promise<void> {
    await this.redis.set(this.keys.post(threadId, sourceId), JSON.stringify(rec), 'EX', 90 * 24 * 3600);
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
