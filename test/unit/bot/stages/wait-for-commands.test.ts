import { afterAll, expect, it } from 'vitest';
import { CommandPendingError, waitForCommandsStage } from '../../../../src/bot/worker/stages/wait-for-commands.js';
import { stageEnv } from '../../../support/stage-context.js';

const env = stageEnv('wait');
afterAll(() => env.close());

it('throws while an earlier command is pending', async () => {
  const { ctx } = env.context({});
  ctx.commands = 'pending';
  await expect(waitForCommandsStage.run(ctx)).rejects.toBeInstanceOf(CommandPendingError);
});

it('reads the settings again after a command cleared meanwhile', async () => {
  await env.settings.put('t-wait', { languages: ['fr'] });
  const { ctx } = env.context({ threadId: 't-wait' });
  ctx.settings = { threadId: 't-wait', languages: [], mode: 'translate', analysis: 'negative', enabled: true, addedOn: 0 };
  ctx.commands = 'cleared';
  expect(await waitForCommandsStage.run(ctx)).toBeUndefined();
  expect(ctx.settings.languages).toEqual(['fr']);
});

it('ends the job when the bot is off in the thread', async () => {
  const { ctx } = env.context({});
  ctx.settings = { threadId: 'thread-1', languages: ['es'], mode: 'translate', analysis: 'negative', enabled: false, addedOn: 0 };
  expect(await waitForCommandsStage.run(ctx)).toEqual({ outcome: 'skipped: bot is off in this thread' });
});
