import { afterAll, expect, it } from 'vitest';
import type { Stage } from '../../../../src/bot/worker/stages/job-context.js';
import { JOB_STAGES, runStages } from '../../../../src/bot/worker/stages/pipeline.js';
import { stageEnv, textMessage } from '../../../support/stage-context.js';

const env = stageEnv('pipeline');
afterAll(() => env.close());

it('reads as the list of stages', () => {
  expect(JOB_STAGES.map((s) => s.name)).toEqual([
    'read', 'remove', 'classify', 'command', 'wait', 'decide', 'protect', 'context', 'translate', 'check', 'analyse', 'compose', 'post',
  ]);
});

it('runs the stages in order until one ends the job', async () => {
  const ran: string[] = [];
  const stage = (name: string, end = false): Stage => ({ name, run: () => (ran.push(name), end ? { outcome: name } : undefined) });
  const { ctx } = env.context({});
  expect(await runStages(ctx, [stage('a'), stage('b', true), stage('c')])).toEqual({ outcome: 'b' });
  expect(ran).toEqual(['a', 'b']);
  await expect(runStages(ctx, [stage('a')])).rejects.toThrow(/without an outcome/);
});

it('takes a message from the thread to the bot’s post', async () => {
  await env.settings.put('t-all', { languages: ['es'] });
  const { ctx, poster } = env.context({ threadId: 't-all', message: textMessage('good morning @bob') });
  expect(await runStages(ctx)).toMatchObject({ outcome: 'posted', languages: ['es'], modelCalls: 1 });
  expect(poster.upserts[0]?.post.content).toBe('[es] [es] good morning @bob');
});
