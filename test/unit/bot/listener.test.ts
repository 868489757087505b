import { describe, expect, it } from 'vitest';
import type { ChatRestClient, WireMessage } from '../../../src/client/chat-rest-client.js';
import type { Intake, MessageChange } from '../../../src/bot/intake.js';
import { Listener } from '../../../src/bot/listener.js';
import type { SettingsStore, ThreadSettings } from '../../../src/bot/settings-store.js';
import { createLogger } from '../../../src/lib/logger.js';

const BOT = '8:acs:r_bot';
const ALICE = '8:acs:r_alice';
const T = '19:t@thread.v2';
const down = () => new Error('Reached the max retries per request limit (which is 3).');

function wire(id: number): WireMessage {
  return {
    id: String(id),
    type: 'text',
    sequenceId: '1',
    version: String(id),
    content: { message: 'hello' },
    senderCommunicationIdentifier: { rawId: ALICE, communicationUser: { id: ALICE } },
    createdOn: new Date(id).toISOString(),
  };
}

const received = (m: WireMessage, threadId = T) => ({
  type: 'chatMessageReceived',
  payload: { threadId, id: m.id, version: m.version, type: 'Text', sender: { communicationUserId: ALICE }, createdOn: m.createdOn },
});

/**
 * A listener on stubs: `failures` makes the next calls of a settings method throw (Redis down),
 * `history` is what the backend lists, every enqueued change is recorded.
 */
function setup(opts: { failures: { get?: number; enqueue?: number }; history: WireMessage[]; hold?: (c: MessageChange) => Promise<void> | undefined }) {
  const enqueued: MessageChange[] = [];
  const waiters: Array<() => void> = [];
  const settings: ThreadSettings = { threadId: T, languages: ['es'], mode: 'translate', analysis: 'negative', enabled: true, addedOn: 0 };
  const store = {
    get: async () => {
      if (opts.failures.get && opts.failures.get-- > 0) throw down();
      return settings;
    },
    threadIds: async () => [T],
    cursor: async () => 0,
    advanceCursor: async () => undefined,
    put: async () => settings,
    remove: async () => undefined,
  };
  const intake = {
    enqueue: async (c: MessageChange) => {
      if (opts.failures.enqueue && opts.failures.enqueue-- > 0) throw down();
      await opts.hold?.(c);
      enqueued.push(c);
      waiters.splice(0).forEach((w) => w());
    },
  };
  const client = {
    async *listMessages() {
      yield* [...opts.history].reverse();
    },
  };
  const listener = new Listener({
    botId: BOT,
    client: client as unknown as ChatRestClient,
    intake: intake as unknown as Intake,
    settings: store as unknown as SettingsStore,
    logger: createLogger('silent'),
    retryDelayMs: 1,
  });
  const enqueuedCount = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => (enqueued.length >= n ? resolve() : waiters.push(check));
      check();
    });
  return { listener, enqueued, enqueuedCount };
}

describe('Listener', () => {
  it('enqueues a live message in a served thread', async () => {
    const m = wire(1000);
    const { listener, enqueued } = setup({ failures: {}, history: [m] });
    await listener.handle(received(m));
    expect(enqueued).toEqual([{ threadId: T, messageId: '1000', version: '1000', kind: 'received', changedAt: 1000 }]);
    await listener.close();
  });

  it("takes threads in parallel, each thread's frames in order", async () => {
    const [a1, a2, b1] = [wire(1000), wire(1001), wire(1002)];
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const { listener, enqueued } = setup({ failures: {}, history: [], hold: (c) => (c.messageId === a1.id ? held : undefined) });
    const takenA1 = listener.handle(received(a1, 'A'));
    const takenA2 = listener.handle(received(a2, 'A'));
    await listener.handle(received(b1, 'B')); // not stuck behind thread A
    expect(enqueued.map((c) => c.messageId)).toEqual([b1.id]);
    release();
    await Promise.all([takenA1, takenA2]);
    expect(enqueued.map((c) => c.messageId)).toEqual([b1.id, a1.id, a2.id]);
    await listener.close();
  });

  it('catches up a message whose enqueue failed', async () => {
    const m = wire(1000);
    const { listener, enqueued, enqueuedCount } = setup({ failures: { enqueue: 1 }, history: [m] });
    await listener.handle(received(m));
    expect(enqueued).toEqual([]);
    await enqueuedCount(1);
    expect(enqueued.map((c) => c.messageId)).toEqual(['1000']);
    await listener.close();
  });

  it('catches up a message it could not even look at (settings unreadable), instead of dropping it', async () => {
    const m = wire(1000);
    const { listener, enqueued, enqueuedCount } = setup({ failures: { get: 1 }, history: [m] });
    await listener.handle(received(m)); // resolves: the failure is left to a catch-up
    expect(enqueued).toEqual([]);
    await enqueuedCount(1);
    expect(enqueued.map((c) => c.messageId)).toEqual(['1000']);
    await listener.close();
  });

  it('leaves live events to the catch-up while behind, then takes them again', async () => {
    const [a, b, c] = [wire(1000), wire(1001), wire(1002)];
    const { listener, enqueued, enqueuedCount } = setup({ failures: { enqueue: 1 }, history: [a, b] });
    await listener.handle(received(a)); // fails: behind
    await listener.handle(received(b)); // skipped live; the catch-up lists it
    await enqueuedCount(2);
    expect(enqueued.map((x) => x.messageId).sort()).toEqual(['1000', '1001']);
    await listener.handle(received(c)); // caught up: live again
    expect(enqueued.at(-1)?.messageId).toBe('1002');
    await listener.close();
  });
});
