import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src/chat/model.js';
import { chatFixture, expectApiError, type ChatFixture } from './fixtures.js';

const everyone = { limit: 250, skip: 0 };

describe('ChatService limits', () => {
  let f: ChatFixture;
  let alice: string;
  beforeEach(() => {
    f = chatFixture();
    alice = f.user();
  });
  afterEach(() => f.close());

  it('holds at most 250 participants', () => {
    const id = f.thread(alice, f.users(199)); // 200 with the creator
    expect(f.service.addParticipants(alice, id, f.users(50).map((rawId) => ({ rawId })))).toEqual([]);
    expect(f.service.listParticipants(alice, id, everyone).participants).toHaveLength(250);
    const late = f.user();
    expectApiError(() => f.service.addParticipants(alice, id, [{ rawId: late }]), 400, 'BadRequest');
    expect(f.service.listParticipants(alice, id, everyone).participants.map((p) => p.userId)).not.toContain(late);
    // Re-adding a current participant changes nothing, so it is not refused.
    const current = f.service.listParticipants(alice, id, { limit: 1, skip: 1 }).participants[0]!.userId;
    expect(f.service.addParticipants(alice, id, [{ rawId: current }])).toEqual([]);
    // A place freed by a removal can be taken again.
    f.service.removeParticipant(alice, id, current);
    f.service.addParticipants(alice, id, [{ rawId: late }]);
    expect(f.service.listParticipants(alice, id, everyone).participants).toHaveLength(250);
  });

  it('takes at most 200 participants per batch', () => {
    expectApiError(() => f.thread(alice, f.users(201)), 400);
    const id = f.thread(alice);
    expectApiError(() => f.service.addParticipants(alice, id, f.users(201).map((rawId) => ({ rawId }))), 400);
    expect(f.service.listParticipants(alice, id, everyone).participants).toHaveLength(1);
  });

  it('reports unknown users and non-ACS identifiers as invalid participants instead of adding them', () => {
    const id = f.thread(alice);
    const bob = f.user();
    const unknown = '8:acs:00000000-0000-0000-0000-000000000001_nobody';
    const invalid = f.service.addParticipants(alice, id, [{ rawId: bob }, { rawId: unknown }, { rawId: '4:+14255550123' }]);
    expect(invalid).toEqual([
      { target: unknown, code: '404', message: 'Not found' },
      // The message names the kind it got and the kind the backend supports (issue 9, item 16).
      { target: '4:+14255550123', code: '403', message: expect.stringMatching(/^Permissions check failed: .*phone number.*supports only Communication Services users/) },
    ]);
    expect(f.service.listParticipants(alice, id, everyone).participants.map((p) => p.userId).sort()).toEqual([alice, bob].sort());
  });

  it('accepts messages up to 28 KB of UTF-8 and refuses larger ones with 413', () => {
    const id = f.thread(alice);
    expect(LIMITS.messageBytes).toBe(28 * 1024);
    f.service.sendMessage(alice, id, { content: 'a'.repeat(28 * 1024), type: 'text' });
    expectApiError(() => f.service.sendMessage(alice, id, { content: 'a'.repeat(28 * 1024 + 1), type: 'text' }), 413);
    // Bytes, not characters: 14 337 two-byte characters are 28 674 bytes.
    const ok = f.service.sendMessage(alice, id, { content: 'é'.repeat(14 * 1024), type: 'text' });
    expectApiError(() => f.service.sendMessage(alice, id, { content: 'é'.repeat(14 * 1024 + 1), type: 'text' }), 413);
    expectApiError(() => f.service.updateMessage(alice, id, ok.id, { content: '€'.repeat(10_000) }), 413);
    expect(f.service.getMessage(alice, id, ok.id).content.message).toBe('é'.repeat(14 * 1024));
    expect(f.history(alice, id).filter((m) => m.type === 'text')).toHaveLength(2);
  });

  it('measures html as sent, before sanitizing', () => {
    const id = f.thread(alice);
    const junk = '<script>x</script>'.repeat(1_700); // 30 600 bytes that sanitize to nothing
    expectApiError(() => f.service.sendMessage(alice, id, { content: `${junk}hi`, type: 'html' }), 413);
    const m = f.service.sendMessage(alice, id, { content: 'ok', type: 'html' });
    expectApiError(() => f.service.updateMessage(alice, id, m.id, { content: `${junk}hi` }), 413);
    // 20 KB as sent is within the limit, though escaping makes it 100 KB.
    const amps = f.service.sendMessage(alice, id, { content: '&'.repeat(20_000), type: 'html' });
    expect(amps.content.message).toBe('&amp;'.repeat(20_000));
  });

  describe('read receipts and typing above 20 participants', () => {
    const setup = (size: number) => {
      const others = f.users(size - 1);
      const id = f.thread(alice, others);
      const m = f.service.sendMessage(alice, id, { content: 'read me', type: 'text' });
      f.events.length = 0;
      return { id, m, reader: others[0]! };
    };

    it('works with 20 participants', () => {
      const { id, m, reader } = setup(20);
      f.service.sendReadReceipt(reader, id, m.id);
      f.service.sendTyping(reader, id, 'Reader');
      expect(f.service.listReadReceipts(alice, id, everyone).receipts).toEqual([{ threadId: id, userId: reader, messageId: m.id, readOn: f.now() }]);
      expect(f.events.map((e) => e.type)).toEqual(['readReceiptReceived', 'typingIndicatorReceived']);
    });

    it('is accepted but a no-op with 21: nothing stored, nothing published', () => {
      const { id, m, reader } = setup(21);
      f.service.sendReadReceipt(reader, id, m.id);
      f.service.sendTyping(reader, id, 'Reader');
      expect(f.service.listReadReceipts(alice, id, everyone).receipts).toEqual([]);
      expect(f.events).toEqual([]);
    });

    it('hides receipts stored before the thread grew past 20', () => {
      const { id, m, reader } = setup(20);
      f.service.sendReadReceipt(reader, id, m.id);
      f.service.addParticipants(alice, id, [{ rawId: f.user() }]);
      expect(f.service.listReadReceipts(alice, id, everyone)).toEqual({ receipts: [], more: false });
    });
  });
});
