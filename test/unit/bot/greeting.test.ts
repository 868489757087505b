import { describe, expect, it } from 'vitest';
import { composeGreeting, GREETING_KIND } from '../../../src/bot/worker/greet.js';

describe('composeGreeting', () => {
  it('says what parley does, in which languages, and how to get help, as a marked bot post', () => {
    const post = composeGreeting({ mode: 'translate' }, ['en', 'es']);
    expect(post.content).toContain('English (en), Spanish (es)');
    expect(post.content).toContain('/parley me');
    expect(post.content).toContain('/parley help');
    expect(post.content.split('\n')).toHaveLength(2);
    expect(post.metadata).toEqual({ parleyBot: 'true', parleyKind: GREETING_KIND });
    expect(post.type).toBe('text');
  });

  it('says when no language is set yet', () => {
    expect(composeGreeting({ mode: 'both' }, []).content).toContain('no language is set yet');
  });

  it('does not talk about translation in analyse-only threads', () => {
    const { content } = composeGreeting({ mode: 'analyze' }, ['es']);
    expect(content).toContain('sentiment');
    expect(content).not.toContain('/parley me');
    expect(content).toContain('/parley help');
  });
});
