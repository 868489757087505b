import { describe, expect, it } from 'vitest';
import { inviteLink } from '../../../src/bot/invite.js';

describe('inviteLink', () => {
  it('puts everything in the fragment, per the contract the web chat reads', () => {
    const link = inviteLink({ baseUrl: 'https://chat.example.com/', token: 'aaa.bbb.ccc', threadId: '19:abc@thread.v2', name: 'Ana María & co', reads: ['en', 'es'] });
    expect(link).toBe('https://chat.example.com/#token=aaa.bbb.ccc&thread=19%3Aabc%40thread.v2&name=Ana%20Mar%C3%ADa%20%26%20co&reads=en,es');
    const url = new URL(link);
    expect(url.search).toBe('');
    const params = new URLSearchParams(url.hash.slice(1));
    expect(Object.fromEntries(params)).toEqual({ token: 'aaa.bbb.ccc', thread: '19:abc@thread.v2', name: 'Ana María & co', reads: 'en,es' });
  });

  it('leaves reads empty when the person reads no set language', () => {
    expect(inviteLink({ baseUrl: 'http://127.0.0.1:8080', token: 't', threadId: '19:x@thread.v2', name: 'Bo', reads: [] })).toBe('http://127.0.0.1:8080/#token=t&thread=19%3Ax%40thread.v2&name=Bo&reads=');
  });
});
