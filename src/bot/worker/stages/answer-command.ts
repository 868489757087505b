import { composeReply } from '../compose.js';
import { runCommand } from '../run-command.js';
import { needs, type Stage } from './job-context.js';

/**
 * command: applies a `/parley …` command and answers it. Applied only while no answer was posted:
 * a command seen again (backfill, a rerun) is not re-applied. Ends every command job.
 */
export const answerCommandStage: Stage = {
  name: 'command',
  async run({ deps, data, source, attempt, command, message }) {
    if (!command) return;
    const senderId = needs(message, 'message').senderId;
    const answered = await deps.poster.reply(data.threadId, source, attempt, async () =>
      composeReply(await runCommand(command, data.threadId, senderId, deps.settings, deps.provider.name, deps.provider.languageSupport?.()), data.messageId),
    );
    return { outcome: answered ? `command: ${command.kind}` : 'skipped: command already answered' };
  },
};
