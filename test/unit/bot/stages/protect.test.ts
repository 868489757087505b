import { afterAll, expect, it } from 'vitest';
import { protectStage } from '../../../../src/bot/worker/stages/protect.js';
import { stageEnv, textMessage } from '../../../support/stage-context.js';

const env = stageEnv('protect');
afterAll(() => env.close());

it('swaps mentions, code and URLs for tokens when there is something to translate', () => {
  const { ctx } = env.context({});
  Object.assign(ctx, { message: textMessage('see `npm test` at https://example.com'), format: 'text', targets: ['es'] });
  protectStage.run(ctx);
  expect(ctx.protected).toEqual({ text: 'see ⟦0⟧ at ⟦1⟧', placeholders: ['`npm test`', 'https://example.com'] });
});

it('does nothing without target languages', () => {
  const { ctx } = env.context({});
  Object.assign(ctx, { message: textMessage('hello'), format: 'text', targets: [] });
  protectStage.run(ctx);
  expect(ctx.protected).toBeUndefined();
});
