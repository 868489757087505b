import type { Stage } from './job-context.js';

/** remove: a deleted original takes the bot's post with it, for good. Ends every delete job. */
export const removeDeletedStage: Stage = {
  name: 'remove',
  async run({ deps, data, source, attempt }) {
    if (data.kind !== 'deleted') return;
    const removed = await deps.poster.remove(data.threadId, source, { ...attempt, forever: true });
    return { outcome: removed ? 'deleted bot post' : 'skipped: no bot post to delete' };
  },
};
