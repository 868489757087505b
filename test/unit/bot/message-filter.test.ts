import { describe, it, expect } from 'vitest';
import { BOT_METADATA_KEY, classifyIncoming, isBotMetadata, messageFormat } from '../../../src/bot/decide/message-filter.js';
import type { IncomingMessage } from '../../../src/bot/decide/message-filter.js';

const BOT = '8:acs:resource_bot';
const USER = '8:acs:resource_alice';
const msg = (over: Partial<IncomingMessage>): IncomingMessage => ({ type: 'text', senderId: USER, content: 'Hello there', ...over });

describe('classifyIncoming', () => {
  it('handles a user text message as text', () => {
    expect(classifyIncoming(msg({}), BOT)).toEqual({ handle: true, format: 'text' });
  });

  it('handles an html message as html, also with the real-time event spellings', () => {
    expect(classifyIncoming(msg({ type: 'html', content: '<p>Hola</p>' }), BOT)).toEqual({ handle: true, format: 'html' });
    expect(classifyIncoming(msg({ type: 'RichText/Html', content: '<p>Hola</p>' }), BOT)).toEqual({ handle: true, format: 'html' });
    expect(classifyIncoming(msg({ type: 'Text' }), BOT)).toEqual({ handle: true, format: 'text' });
  });

  it('skips system messages', () => {
    for (const type of ['topicUpdated', 'participantAdded', 'participantRemoved', 'somethingNew']) {
      expect(classifyIncoming(msg({ type, senderId: undefined, content: '<topic>x</topic>' }), BOT)).toEqual({ handle: false, reason: 'system' });
    }
  });

  it("skips the bot's own posts", () => {
    expect(classifyIncoming(msg({ senderId: BOT, metadata: { [BOT_METADATA_KEY]: '1' } }), BOT)).toEqual({ handle: false, reason: 'own-post' });
  });

  it("skips other bots' posts marked in metadata", () => {
    expect(classifyIncoming(msg({ metadata: { parleyBot: 'translation' } }), BOT)).toEqual({ handle: false, reason: 'bot-post' });
    expect(classifyIncoming(msg({ metadata: { isBot: 'TRUE' } }), BOT)).toEqual({ handle: false, reason: 'bot-post' });
  });

  it('does not treat isBot=false or unrelated metadata as a bot', () => {
    expect(classifyIncoming(msg({ metadata: { isBot: 'false', topic: 'x' } }), BOT)).toEqual({ handle: true, format: 'text' });
  });

  it('skips empty bodies, including html with no text', () => {
    expect(classifyIncoming(msg({ content: '   \n ' }), BOT)).toEqual({ handle: false, reason: 'empty' });
    expect(classifyIncoming(msg({ type: 'html', content: '<p>&nbsp;</p>' }), BOT)).toEqual({ handle: false, reason: 'empty' });
  });

  it('leaves /parley commands to the command handler, in text and html', () => {
    expect(classifyIncoming(msg({ content: '  /parley on' }), BOT)).toEqual({ handle: false, reason: 'command' });
    expect(classifyIncoming(msg({ content: '/PARLEY' }), BOT)).toEqual({ handle: false, reason: 'command' });
    expect(classifyIncoming(msg({ type: 'html', content: '<p>/parley <b>me</b> es</p>' }), BOT)).toEqual({ handle: false, reason: 'command' });
  });

  it('does not mistake a word starting with /parley, or a mid-sentence mention, for a command', () => {
    expect(classifyIncoming(msg({ content: '/parleyx hi' }), BOT)).toEqual({ handle: true, format: 'text' });
    expect(classifyIncoming(msg({ content: 'type /parley help to see options' }), BOT)).toEqual({ handle: true, format: 'text' });
  });
});

describe('isBotMetadata', () => {
  it('recognises the parley key whatever its value', () => {
    expect(isBotMetadata({ [BOT_METADATA_KEY]: '' })).toBe(true);
    expect(isBotMetadata(undefined)).toBe(false);
    expect(isBotMetadata({})).toBe(false);
  });
});

describe('messageFormat', () => {
  it('maps text and html types and nothing else', () => {
    expect(messageFormat('text')).toBe('text');
    expect(messageFormat('html')).toBe('html');
    expect(messageFormat('topicUpdated')).toBeNull();
  });
});
