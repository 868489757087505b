import type { ChatRestClient, WireMessage } from '../../../client/chat-rest-client.js';
import { ChatApiError } from '../../../client/errors.js';
import { CommandGate } from '../../command-gate.js';
import { messageFormat } from '../../decide/message-filter.js';
import type { MessageJob } from '../../queue/jobs.js';
import type { JobContext, Stage } from './job-context.js';
import { prefetchCached } from './prefetch.js';

/**
 * read: the job's independent reads in one round trip — the thread's settings, the message as it is
 * now (only for jobs that do not carry it), who reads what, whether an earlier command is still
 * running — plus the cache lookup for what the thread needed last. Ends the job when the bot does
 * not serve the thread.
 */
export const readStage: Stage = {
  name: 'read',
  async run(ctx) {
    const { deps, data } = ctx;
    const live = data.kind !== 'deleted';
    const guess = data.message && live ? deps.recentTargets.get(data.threadId) : undefined;
    const guessFormat = data.message ? messageFormat(data.message.type) : null;
    if (live && guessFormat && data.message) {
      // The text work (on a worker thread in production) runs while the reads are in flight.
      const result = deps.text.inspect(data.message.content, guessFormat);
      result.catch(() => undefined); // awaited by decide, or not (a command, a thread not served)
      ctx.inspecting = { format: guessFormat, result };
    }
    if (guess?.length && guessFormat && ctx.inspecting) {
      const lookup = prefetchCached(ctx.inspecting.result, guessFormat, guess, deps);
      lookup.catch(() => undefined); // used, or not, by the translate stage; never left unobserved
      ctx.prefetched = { format: guessFormat, lookup };
    }
    const [settings, fetched, readers, commands] = await Promise.all([
      deps.settings.get(data.threadId),
      // A failed fetch counts only if the bot still serves the thread (checked first, by classify).
      live && !data.message ? currentMessage(deps.client, data).catch((err: unknown) => ({ failed: err })) : undefined,
      live ? deps.settings.readers(data.threadId) : {},
      pendingCommands(ctx),
    ]);
    if (!settings) return { outcome: 'skipped: bot not in thread' };
    Object.assign(ctx, { settings, fetched, readers, commands });
  },
};

/** Only a message (not a command, not a delete) waits for earlier commands. */
function pendingCommands({ deps, data }: JobContext): Promise<'none' | 'pending' | 'cleared'> | 'none' {
  if (data.kind === 'deleted' || !deps.commands || CommandGate.isCommand(data)) return 'none';
  const at = data.kind === 'received' ? Number(data.messageId) : data.changedAt;
  return deps.commands.pendingBefore(data.threadId, at, async (id) => {
    const state = await deps.queue.getJobState(id);
    return state !== 'completed' && state !== 'failed' && state !== 'unknown';
  });
}

/** The message as the backend has it now, or `null` when it is gone. */
async function currentMessage(client: ChatRestClient, data: MessageJob): Promise<WireMessage | null> {
  try {
    return await client.getMessage(data.threadId, data.messageId);
  } catch (err) {
    if (err instanceof ChatApiError && err.status === 404) return null;
    throw err;
  }
}
