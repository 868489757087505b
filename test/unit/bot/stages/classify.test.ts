import { afterAll, expect, it } from 'vitest';
import { BOT_METADATA_KEY } from '../../../../src/bot/decide/message-filter.js';
import { classifyStage } from '../../../../src/bot/worker/stages/classify.js';
import { stageEnv, textMessage } from '../../../support/stage-context.js';

const env = stageEnv('classify');
afterAll(() => env.close());

it('takes the message the job carries and its format', () => {
  const { ctx } = env.context({ message: textMessage('hello') });
  expect(classifyStage.run(ctx)).toBeUndefined();
  expect(ctx.message?.content).toBe('hello');
  expect(ctx.format).toBe('text');
  expect(ctx.command).toBeUndefined();
});

it('skips the bot’s own posts', () => {
  const { ctx } = env.context({ message: textMessage('[es] hola', { metadata: { [BOT_METADATA_KEY]: 'true' } }) });
  expect(classifyStage.run(ctx)).toMatchObject({ outcome: expect.stringMatching(/^skipped: /) });
});

it('parses a command of a received message', () => {
  const { ctx } = env.context({ message: textMessage('/parley status') });
  expect(classifyStage.run(ctx)).toBeUndefined();
  expect(ctx.command).toEqual({ kind: 'status' });
});

it('does not run an edited command again', () => {
  const { ctx } = env.context({ kind: 'edited', message: textMessage('/parley status') });
  expect(classifyStage.run(ctx)).toEqual({ outcome: 'skipped: command' });
});

it('uses the fetched message of an older job, and skips one gone or superseded', () => {
  const wire = { id: '1000', type: 'text', version: '1000', content: { message: 'hi' }, senderCommunicationIdentifier: { rawId: '8:acs:alice', communicationUser: { id: '8:acs:alice' } } };
  const fresh = env.context({});
  fresh.ctx.fetched = wire as never;
  expect(classifyStage.run(fresh.ctx)).toBeUndefined();
  expect(fresh.ctx.message).toMatchObject({ content: 'hi', senderId: '8:acs:alice' });

  const gone = env.context({});
  gone.ctx.fetched = null;
  expect(classifyStage.run(gone.ctx)).toEqual({ outcome: 'skipped: message gone' });

  const newer = env.context({});
  newer.ctx.fetched = { ...wire, version: '2000' } as never;
  expect(classifyStage.run(newer.ctx)).toEqual({ outcome: 'skipped: superseded by a newer version' });
});

it('throws the fetch’s failure (the bot serves the thread)', () => {
  const { ctx } = env.context({});
  ctx.fetched = { failed: new Error('backend down') };
  expect(() => classifyStage.run(ctx)).toThrow('backend down');
});
