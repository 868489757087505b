/** Every Redis key the bot uses, under one configurable prefix. */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** BullMQ prefix: a hash tag, so every queue key lands in one Redis Cluster slot. */
  get queuePrefix(): string {
    return `{${this.prefix}}`;
  }
  get botIdentity(): string {
    return `${this.prefix}:bot:identity`;
  }
  get threads(): string {
    return `${this.prefix}:threads`;
  }
  thread(threadId: string): string {
    return `${this.prefix}:thread:${threadId}`;
  }
  readers(threadId: string): string {
    return `${this.prefix}:readers:${threadId}`;
  }
  cursor(threadId: string): string {
    return `${this.prefix}:cursor:${threadId}`;
  }
  post(threadId: string, messageId: string): string {
    return `${this.prefix}:post:${threadId}:${messageId}`;
  }
  /** The greeting job that introduced the bot in a thread (kept when the bot leaves: it greets once). */
  greeted(threadId: string): string {
    return `${this.prefix}:greeted:${threadId}`;
  }
  /** `parley demo`'s thread and people (threadId, ana, bruno), reused by later runs. */
  get demo(): string {
    return `${this.prefix}:demo`;
  }
  /** A thread's pending `/parley` commands (see CommandGate). */
  commands(threadId: string): string {
    return `${this.prefix}:commands:${threadId}`;
  }
  /** How often a failed job was brought back automatically (see reviveFailed). */
  revived(jobId: string): string {
    return `${this.prefix}:revived:${jobId}`;
  }
  cache(hash: string): string {
    return `${this.prefix}:cache:${hash}`;
  }
  sentiment(threadId: string): string {
    return `${this.prefix}:sentiment:${threadId}`;
  }
  analyses(threadId: string): string {
    return `${this.prefix}:analyses:${threadId}`;
  }
  get priority(): string {
    return `${this.prefix}:priority`;
  }
  get stats(): string {
    return `${this.prefix}:stats`;
  }
  latency(kind: 'e2e' | 'processing' | 'model'): string {
    return `${this.prefix}:latency:${kind}`;
  }
}
