import { afterAll, beforeAll, expect, it } from 'vitest';
import { collect, sdkFixture, type SdkFixture, type SdkUser } from './sdk-fixture.js';

/** Issue 9, item 13: an update that asks for no change makes none (the SDK sends `{}`). */
let f: SdkFixture;
let alice: SdkUser;
beforeAll(async () => {
  f = await sdkFixture();
  alice = await f.newUser();
});
afterAll(() => f.close());

it('updateMessage and updateProperties with nothing to change leave version, editedOn and history alone', async () => {
  const { chatThread } = await alice.chat.createChatThread({ topic: 'untouched' }, { metadata: { k: 'v' } });
  const t = alice.chat.getChatThreadClient(chatThread!.id);
  const { id } = await t.sendMessage({ content: 'as sent' }, { metadata: { tag: 'x' } });
  const before = await t.getMessage(id);
  const historyBefore = await collect(t.listMessages());

  await t.updateMessage(id);
  await t.updateMessage(id, {});
  await t.updateProperties({});

  const after = await t.getMessage(id);
  expect(after.version).toBe(before.version);
  expect(after.editedOn).toBeUndefined();
  expect(after.content?.message).toBe('as sent');
  expect(after.metadata).toEqual({ tag: 'x' });
  expect(await collect(t.listMessages())).toEqual(historyBefore);
  expect(await t.getProperties()).toMatchObject({ topic: 'untouched', metadata: { k: 'v' } });

  await t.updateMessage(id, { content: 'edited' });
  expect(Number((await t.getMessage(id)).version)).toBeGreaterThan(Number(before.version));
});
