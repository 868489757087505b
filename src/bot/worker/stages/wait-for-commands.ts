import type { Stage } from './job-context.js';

/** A command sent before this message in its thread is not done yet (the job comes back shortly). */
export class CommandPendingError extends Error {
  readonly code = 'COMMAND_PENDING';
  constructor() {
    super('an earlier command in the thread is still pending');
    this.name = 'CommandPendingError';
  }
}

/**
 * wait: a message goes after the thread's earlier commands (`/parley languages es` then "hello" is
 * translated into Spanish). A command that ended while the settings were read: read them again, as
 * it left them. Then a thread where the bot is off ends here.
 */
export const waitForCommandsStage: Stage = {
  name: 'wait',
  async run(ctx) {
    const { deps, data } = ctx;
    if (ctx.commands === 'pending') throw new CommandPendingError();
    if (ctx.commands === 'cleared') {
      const [settings, readers] = await Promise.all([deps.settings.get(data.threadId), deps.settings.readers(data.threadId)]);
      if (!settings) return { outcome: 'skipped: bot not in thread' };
      Object.assign(ctx, { settings, readers });
    }
    if (!ctx.settings?.enabled) return { outcome: 'skipped: bot is off in this thread' };
  },
};
