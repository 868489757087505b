import { afterAll, expect, it } from 'vitest';
import type { ChatRestClient } from '../../../../src/client/chat-rest-client.js';
import type { ThreadSettings } from '../../../../src/bot/settings-store.js';
import { contextStage } from '../../../../src/bot/worker/stages/context.js';
import { fakeProvider } from '../../../support/fake-provider.js';
import { stageEnv, textMessage } from '../../../support/stage-context.js';

const env = stageEnv('context');
afterAll(() => env.close());

const settings = (context?: number): ThreadSettings => ({
  threadId: 'thread-1', languages: ['es'], mode: 'translate', analysis: 'negative', enabled: true, addedOn: 0, ...(context === undefined ? {} : { context }),
});

/** A client that fails the test if the stage reads the thread. */
const noReads = { listMessages: () => { throw new Error('the thread was read'); } } as unknown as ChatRestClient;

function ready(text: string, s: ThreadSettings, name: 'openai' | 'local') {
  const { ctx } = env.context({}, { provider: fakeProvider({ name }), client: noReads });
  Object.assign(ctx, { message: textMessage(text), plain: text, format: 'text', targets: ['es'], settings: s });
  return ctx;
}

it('reads nothing for an engine that cannot use context, a long message, or context 0', async () => {
  const short = 'It is fixed now.';
  for (const ctx of [
    ready(short, settings(), 'local'),
    ready('This message is long enough to carry its own context, so none is read.', settings(), 'openai'),
    ready(short, settings(0), 'openai'),
  ]) {
    await contextStage.run(ctx);
    expect(ctx.context).toBeUndefined();
  }
});
