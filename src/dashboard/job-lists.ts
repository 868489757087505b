import type { Job, Queue } from 'bullmq';

/** Characters of a message shown next to its job. */
const SNIPPET_CHARS = 80;

/** A job as the dashboard lists it: what it was about (thread topic, a snippet of the text), how it ended. */
export interface JobRow {
  id: string;
  threadId?: string;
  /** The thread's topic, when the bot's thread list has it. */
  topic?: string | null;
  messageId?: string;
  kind?: string;
  /** The start of the message's text (one line, at most 80 characters). */
  snippet?: string;
  /** `live`, `backfill`, or `retried` (by an operator): only live jobs count in the end-to-end latency. */
  origin: 'live' | 'backfill' | 'retried';
  attemptsMade: number;
  /** What the job did (its return value's `outcome`), for completed jobs. */
  outcome?: string;
  /** Each language's state (`ready`, `skipped:…`, `failed:…`), for jobs that posted translations. */
  states?: Record<string, string>;
  failedReason?: string;
  enqueuedAt?: number;
  processedOn?: number;
  finishedOn?: number;
}

/** One line of at most {@link SNIPPET_CHARS} characters; tags of html messages dropped. */
export function snippetOf(text: string): string {
  const flat = text.slice(0, 4 * SNIPPET_CHARS).replace(/<[^<>]{0,200}>/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS - 1)}…` : flat;
}

function row(job: Job): JobRow {
  const data = (job.data ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const content = str((data.message as { content?: unknown } | undefined)?.content);
  return {
    id: String(job.id),
    threadId: str(data.threadId),
    messageId: str(data.messageId),
    kind: str(data.kind),
    snippet: content === undefined ? undefined : snippetOf(content),
    origin: data.origin === 'backfill' ? 'backfill' : typeof data.retriedAt === 'number' ? 'retried' : 'live',
    attemptsMade: job.attemptsMade,
    outcome: str((job.returnvalue as { outcome?: unknown } | null)?.outcome),
    states: strings((job.returnvalue as { states?: unknown } | null)?.states),
    failedReason: job.failedReason || undefined,
    enqueuedAt: typeof data.enqueuedAt === 'number' ? data.enqueuedAt : undefined,
    processedOn: job.processedOn,
    finishedOn: job.finishedOn,
  };
}

/** A record of strings, or undefined (a return value is only as typed as the worker that wrote it). */
function strings(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const entries = Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string');
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/** The newest `limit` jobs in `state`, newest first, each with its thread's topic when `topics` has it. */
export async function jobRows(queue: Queue, state: 'completed' | 'failed', limit = 20, topics?: (ids: string[]) => Promise<Map<string, string>>): Promise<JobRow[]> {
  const jobs = await queue.getJobs([state], 0, limit - 1, false);
  const rows = jobs.filter((j): j is Job => Boolean(j)).map(row);
  if (!topics || !rows.length) return rows;
  const names = await topics([...new Set(rows.flatMap((r) => (r.threadId ? [r.threadId] : [])))]);
  return rows.map((r) => ({ ...r, topic: r.threadId ? (names.get(r.threadId) ?? null) : undefined }));
}
