import { describe, expect, it } from 'vitest';
import { changeOf } from '../../../src/bot/intake.js';
import { parseSince } from '../../../src/cli/commands/backfill.js';
import type { WireMessage } from '../../../src/client/chat-rest-client.js';

describe('backfill parsing', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');

  it('takes an ISO time or a span back from now', () => {
    expect(parseSince('2h', now).toISOString()).toBe('2026-11-25T10:00:00.000Z');
    expect(parseSince('30m', now).toISOString()).toBe('2026-11-25T11:30:00.000Z');
    expect(parseSince('1.5d', now).toISOString()).toBe('2026-11-24T00:00:00.000Z');
    expect(parseSince('2026-11-20T09:00Z', now).toISOString()).toBe('2026-11-20T09:00:00.000Z');
    expect(() => parseSince('soon', now)).toThrow(/neither/);
    expect(() => parseSince('2027-01-01', now)).toThrow(/future/);
  });

  it('maps listed messages to the listener’s changes, skipping the bot’s own, bot posts and system messages', () => {
    const base = { sequenceId: '1', version: '5', createdOn: '2026-11-25T11:00:00Z', senderCommunicationIdentifier: { rawId: 'u1' } };
    const m = (over: Partial<WireMessage>): WireMessage => ({ id: '5', type: 'text', ...base, ...over }) as WireMessage;
    expect(changeOf('t', m({ content: { message: 'hola' }, senderDisplayName: 'Ana' }), 'bot')).toEqual({
      threadId: 't',
      messageId: '5',
      version: '5',
      kind: 'received',
      changedAt: Date.parse(base.createdOn),
      // The job carries the message, so the worker needs no read.
      message: { type: 'text', content: 'hola', senderId: 'u1', senderDisplayName: 'Ana', metadata: undefined },
    });
    expect(changeOf('t', m({ editedOn: '2026-11-25T11:05:00Z', version: '9' }), 'bot')).toMatchObject({ kind: 'edited', version: '9' });
    expect(changeOf('t', m({ deletedOn: '2026-11-25T11:06:00Z' }), 'bot')).toMatchObject({ kind: 'deleted' });
    expect(changeOf('t', m({ senderCommunicationIdentifier: { rawId: 'bot' } }), 'bot')).toBeNull();
    expect(changeOf('t', m({ metadata: { parleyBot: '1' } }), 'bot')).toBeNull();
    expect(changeOf('t', m({ type: 'participantAdded', senderCommunicationIdentifier: undefined }), 'bot')).toBeNull();
  });
});
