import { analyseStage } from './analyse.js';
import { answerCommandStage } from './answer-command.js';
import { checkStage } from './check.js';
import { classifyStage } from './classify.js';
import { composeStage } from './compose.js';
import { contextStage } from './context.js';
import { decideStage } from './decide.js';
import type { JobContext, JobOutcome, Stage } from './job-context.js';
import { postStage } from './post.js';
import { protectStage } from './protect.js';
import { readStage } from './read.js';
import { removeDeletedStage } from './remove-deleted.js';
import { translateStage } from './translate.js';
import { waitForCommandsStage } from './wait-for-commands.js';

/**
 * The job, stage by stage. Each stage reads what the earlier ones left in the context and may end
 * the job with an outcome; a new stage goes into this list without touching the others.
 */
export const JOB_STAGES: readonly Stage[] = [
  readStage,
  removeDeletedStage,
  classifyStage,
  answerCommandStage,
  waitForCommandsStage,
  decideStage,
  protectStage,
  contextStage,
  translateStage,
  checkStage,
  analyseStage,
  composeStage,
  postStage,
];

/** Runs `stages` in order until one ends the job. */
export async function runStages(ctx: JobContext, stages: readonly Stage[] = JOB_STAGES): Promise<JobOutcome> {
  for (const stage of stages) {
    const outcome = await stage.run(ctx);
    if (outcome) return outcome;
  }
  throw new Error(`pipeline ended without an outcome after "${stages.at(-1)?.name ?? 'no stage'}"`);
}
