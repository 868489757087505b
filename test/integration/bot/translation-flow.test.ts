/**
 * The bot end to end: real backend (REST + WebSocket), real Redis and BullMQ, and the real `openai`
 * client talking to the fake OpenAI-compatible server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../../src/bot/bot.js';
import { helpText } from '../../../src/bot/decide/commands.js';
import type { JobOutcome } from '../../../src/bot/worker/processor.js';
import { BotPostWatch, type BotStack, botPostsBySource, jobFinished, jobIdOf, startBotStack, threadWithBot } from '../../support/bot-env.js';
import type { TestBackend } from '../../support/chat-server.js';
import { requestedLanguages, type FakeOpenAI } from '../../support/fake-openai.js';

let backend: TestBackend;
let fake: FakeOpenAI;
let bot: Bot;
let watch: BotPostWatch;
/** Resolved by the fake model with the next request it receives. */
const nextRequest: Array<() => void> = [];

let stack: BotStack;
beforeAll(async () => {
  stack = await startBotStack('flow', { fake: { onRequest: () => nextRequest.splice(0).forEach((w) => w()) }, bot: {} });
  ({ backend, fake, bot, watch } = stack);
});

afterAll(() => stack?.close());


const text = (content: string) => ({ content, type: 'text' as const });
const outcomeOf = async (m: { threadId: string; id: string; version: string }, kind?: 'received' | 'edited' | 'deleted') =>
  (await jobFinished(bot, jobIdOf(m, kind))).returnvalue as JobOutcome;

describe('translation', () => {
  it('gives a message in a thread set to es,fr exactly one post carrying both, from one model call', async () => {
    const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es', 'fr'] });
    const calls = fake.chatRequests().length;
    const m = backend.chat.sendMessage(users[0]!, threadId, text('Hello there, how are you today?'));

    const post = await watch.posted(threadId, m.id);
    expect(post.content.message).toBe('[es] [es] Hello there, how are you today?\n[fr] [fr] Hello there, how are you today?');
    expect(post.type).toBe('text');
    expect(post.metadata).toMatchObject({ parleyBot: 'true', parleyKind: 'translation', parleySourceId: m.id, parleySourceVersion: m.version, parleyLanguages: 'es,fr' });
    expect(JSON.parse(post.metadata!.parleyTranslations!)).toEqual({ es: '[es] Hello there, how are you today?', fr: '[fr] Hello there, how are you today?' });

    expect(await outcomeOf(m)).toMatchObject({ outcome: 'posted', modelCalls: 1, languages: ['es', 'fr'] });
    const requests = fake.chatRequests().slice(calls);
    expect(requests).toHaveLength(1);
    expect(requestedLanguages(requests[0]!.body).sort()).toEqual(['es', 'fr']);
    expect(botPostsBySource(backend, users[0]!, threadId, bot.botId).get(m.id)).toHaveLength(1);
  });

  it('follows edits (the post is updated, not repeated) and deletes (the post goes)', async () => {
    const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es'] });
    const m = backend.chat.sendMessage(users[0]!, threadId, text('The meeting starts at noon'));
    const post = await watch.posted(threadId, m.id);

    const edited = backend.chat.updateMessage(users[0]!, threadId, m.id, { content: 'The meeting starts at three instead' });
    const updated = await watch.updated(threadId, post.id, edited.version);
    expect(updated.content.message).toBe('[es] [es] The meeting starts at three instead');
    expect(updated.metadata?.parleySourceVersion).toBe(edited.version);
    expect(await outcomeOf(edited, 'edited')).toMatchObject({ outcome: 'updated' });
    expect(watch.postsFor(threadId, m.id)).toHaveLength(1);

    backend.chat.deleteMessage(users[0]!, threadId, m.id);
    await watch.deleted(threadId, post.id);
    expect(await outcomeOf({ ...edited }, 'deleted')).toMatchObject({ outcome: 'deleted bot post' });
    expect(botPostsBySource(backend, users[0]!, threadId, bot.botId).has(m.id)).toBe(false);
  });

  it('keeps the newer translation when the edit overtakes the original (slow model call)', async () => {
    const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es'] });
    fake.script({ type: 'ok', latencyMs: 1000 }); // the original's model call
    const modelCalled = new Promise<void>((resolve) => nextRequest.push(resolve));
    const m = backend.chat.sendMessage(users[0]!, threadId, text('See you at the station at six'));
    await modelCalled;
    const edited = backend.chat.updateMessage(users[0]!, threadId, m.id, { content: 'See you at the station at seven' });

    const post = await watch.posted(threadId, m.id);
    expect(post.content.message).toBe('[es] [es] See you at the station at seven');
    expect(await outcomeOf(m)).toMatchObject({ outcome: 'unchanged' });
    const [only, ...more] = botPostsBySource(backend, users[0]!, threadId, bot.botId).get(m.id)!;
    expect(more).toEqual([]);
    expect(only!.content.message).toBe('[es] [es] See you at the station at seven');
    expect(only!.metadata?.parleySourceVersion).toBe(edited.version);
  });

  it('makes one post when the original and its edit reach the poster at the same moment', async () => {
    const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es'] });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Both model answers are held, then released together: both jobs post at once.
    fake.script({ type: 'ok', until: gate }, { type: 'ok', until: gate });
    const firstCall = new Promise<void>((resolve) => nextRequest.push(resolve));
    const m = backend.chat.sendMessage(users[0]!, threadId, text('Lunch is at the usual place'));
    await firstCall;
    const secondCall = new Promise<void>((resolve) => nextRequest.push(resolve));
    const edited = backend.chat.updateMessage(users[0]!, threadId, m.id, { content: 'Lunch is at the new place' });
    await secondCall;
    release();

    const outcomes = [await outcomeOf(m), await outcomeOf(edited, 'edited')].map((o) => o.outcome).sort();
    // One job posts; the other waited for the post lock, then updated (or kept) that post.
    expect(outcomes.filter((o) => o === 'posted')).toHaveLength(1);
    const [only, ...more] = botPostsBySource(backend, users[0]!, threadId, bot.botId).get(m.id)!;
    expect(more).toEqual([]);
    expect(watch.postsFor(threadId, m.id)).toHaveLength(1);
    expect(only!.content.message).toBe('[es] [es] Lunch is at the new place');
    expect(only!.metadata?.parleySourceVersion).toBe(edited.version);
  });

  it('posts nothing for the original when its edit, handled first, needs no translation', async () => {
    const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es'] });
    let release!: () => void;
    fake.script({ type: 'ok', until: new Promise<void>((resolve) => (release = resolve)) });
    const modelCalled = new Promise<void>((resolve) => nextRequest.push(resolve));
    const m = backend.chat.sendMessage(users[0]!, threadId, text('Where do we meet for dinner tonight, at the old place?'));
    await modelCalled;
    // Edited into the thread's language: the edit's job needs no translation and finishes first.
    const edited = backend.chat.updateMessage(users[0]!, threadId, m.id, { content: 'Nos vemos para cenar esta noche en el restaurante de siempre, ¿de acuerdo?' });
    expect((await outcomeOf(edited, 'edited')).outcome).toMatch(/^skipped|not posted/);
    release();
    expect(await outcomeOf(m)).toMatchObject({ outcome: 'unchanged' });
    expect(botPostsBySource(backend, users[0]!, threadId, bot.botId).has(m.id)).toBe(false);
    expect(watch.postsFor(threadId, m.id)).toEqual([]);
  });

  it('leaves no post when the original is deleted while it is being translated', async () => {
    const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es'] });
    fake.script({ type: 'ok', latencyMs: 1000 });
    const modelCalled = new Promise<void>((resolve) => nextRequest.push(resolve));
    const m = backend.chat.sendMessage(users[0]!, threadId, text('My password is hunter2, oops'));
    await modelCalled;
    backend.chat.deleteMessage(users[0]!, threadId, m.id);

    expect(await outcomeOf(m, 'deleted')).toMatchObject({ outcome: 'skipped: no bot post to delete' });
    expect(await outcomeOf(m)).toMatchObject({ outcome: 'unchanged' }); // finished after the delete
    expect(botPostsBySource(backend, users[0]!, threadId, bot.botId).has(m.id)).toBe(false);
    expect(watch.postsFor(threadId, m.id)).toEqual([]);
  });

  it('does not translate a message already in the language its readers need', async () => {
    const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es'] }, 2);
    const [alice, bob] = users as [string, string];
    const calls = fake.chatRequests().length;
    const spanish = backend.chat.sendMessage(alice, threadId, text('Hola a todos, ¿cómo estáis hoy? Espero que muy bien.'));
    expect(await outcomeOf(spanish)).toMatchObject({ outcome: 'skipped: nothing to translate', modelCalls: 0 });

    // Readers: thread languages cleared, Bob reads French.
    await bot.settings.put(threadId, { languages: [] });
    const me = backend.chat.sendMessage(bob, threadId, text('/parley me fr'));
    expect((await watch.posted(threadId, me.id)).content.message).toContain('you read fr (French)');
    const french = backend.chat.sendMessage(alice, threadId, text("Bonjour à tous, comment allez-vous aujourd'hui ? J'espère que tout va bien."));
    expect(await outcomeOf(french)).toMatchObject({ outcome: 'skipped: nothing to translate' });
    const english = backend.chat.sendMessage(alice, threadId, text('Good morning everyone, I hope you are all well.'));
    expect((await watch.posted(threadId, english.id)).content.message).toBe('[fr] [fr] Good morning everyone, I hope you are all well.');
    // Bob's own messages are not translated for Bob.
    const fromBob = backend.chat.sendMessage(bob, threadId, text('Good evening, I am leaving for today.'));
    expect(await outcomeOf(fromBob)).toMatchObject({ outcome: 'skipped: nothing to translate' });

    expect(fake.chatRequests().length - calls).toBe(1);
    const posts = botPostsBySource(backend, alice, threadId, bot.botId);
    expect([...posts.keys()].sort()).toEqual([me.id, english.id].sort());
  });

  it('never answers itself or another bot', async () => {
    const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es'] }, 2);
    const [alice, otherBot] = users as [string, string];
    const flagged = [
      backend.chat.sendMessage(otherBot, threadId, { ...text('I am another bot speaking English'), metadata: { isBot: 'true' } }),
      backend.chat.sendMessage(otherBot, threadId, { ...text('I pretend to be a parley post'), metadata: { parleyBot: 'true', parleySourceId: '1' } }),
    ];
    const first = backend.chat.sendMessage(alice, threadId, text('A person writes something here'));
    const post = await watch.posted(threadId, first.id);
    // The bot's own post reached the listener before this marker (frames are taken in order).
    const marker = backend.chat.sendMessage(alice, threadId, text('Another person writes again'));
    await watch.posted(threadId, marker.id);
    await jobFinished(bot, jobIdOf(marker));

    for (const m of [...flagged, post]) expect(await bot.queue.getJob(jobIdOf(m))).toBeUndefined();
    const posts = botPostsBySource(backend, alice, threadId, bot.botId);
    expect([...posts.keys()].sort()).toEqual([first.id, marker.id].sort());
  });

  it('serves repeated text from the cache: the same text twice costs one model call', async () => {
    const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es', 'fr'] });
    const calls = fake.chatRequests().length;
    const before = await bot.stats.counters();
    const body = 'See you all at the picnic on Saturday afternoon';
    const a = backend.chat.sendMessage(users[0]!, threadId, text(body));
    const postA = await watch.posted(threadId, a.id);
    const b = backend.chat.sendMessage(users[0]!, threadId, text(body));
    const postB = await watch.posted(threadId, b.id);

    expect(postB.content.message).toBe(postA.content.message);
    expect(await outcomeOf(b)).toMatchObject({ outcome: 'posted', modelCalls: 0 });
    expect(fake.chatRequests().length - calls).toBe(1);
    const after = await bot.stats.counters();
    expect(after.cacheHits - (before.cacheHits ?? 0)).toBe(2);
  });
});

describe('commands', () => {
  it('answers every command in the thread and applies it', async () => {
    const { threadId, users } = await threadWithBot(backend, bot, {}, 2);
    const [alice, bob] = users as [string, string];
    const command = async (from: string, line: string) => {
      const m = backend.chat.sendMessage(from, threadId, text(line));
      const reply = await watch.posted(threadId, m.id);
      expect(reply.metadata).toMatchObject({ parleyBot: 'true', parleyKind: 'reply' });
      return reply.content.message ?? '';
    };
    const translated = async (line: string) => (await watch.posted(threadId, backend.chat.sendMessage(alice, threadId, text(line)).id)).content.message;

    expect(await command(alice, '/parley languages de')).toBe('parley: this thread is now translated into de (German).');
    expect(await translated('Where shall we have lunch today?')).toBe('[de] [de] Where shall we have lunch today?');

    expect(await command(bob, '/parley me es')).toBe('parley: you read es (Spanish); messages will be translated for you.');
    expect(await translated('The train leaves at nine tomorrow')).toBe('[de] [de] The train leaves at nine tomorrow\n[es] [es] The train leaves at nine tomorrow');

    expect(await command(alice, '/parley off')).toBe('parley: off. Say "/parley on" to resume.');
    const whileOff = backend.chat.sendMessage(alice, threadId, text('Nobody translates this sentence now'));
    expect(await outcomeOf(whileOff)).toMatchObject({ outcome: 'skipped: bot is off in this thread' });
    expect(watch.postsFor(threadId, whileOff.id)).toEqual([]);

    expect(await command(alice, '/parley on')).toBe('parley: on. New messages will be translated.');

    // Messages sent right behind "/parley off" wait for it, although jobs run concurrently.
    const off = backend.chat.sendMessage(alice, threadId, text('/parley off'));
    const rightBehind = ['First right after off', 'Second right after off', 'Third right after off'].map((line) =>
      backend.chat.sendMessage(bob, threadId, text(line)),
    );
    for (const m of rightBehind) expect(await outcomeOf(m)).toMatchObject({ outcome: 'skipped: bot is off in this thread' });
    expect(await outcomeOf(off)).toMatchObject({ outcome: 'command: off' });
    for (const m of rightBehind) expect(watch.postsFor(threadId, m.id)).toEqual([]);
    expect(await command(alice, '/parley on')).toBe('parley: on. New messages will be translated.');
    expect(await translated('Translations are back again')).toContain('[de] [de] Translations are back again');

    const status = await command(bob, '/parley status');
    expect(status).toContain('parley is on in this thread.');
    expect(status).toContain('Thread languages: de (German).');
    expect(status).toContain("Readers' languages: es (Spanish).");

    expect(await command(alice, '/parley help')).toBe(helpText());
    expect(await command(alice, '/parley foo')).toBe(`parley: unknown command "foo".\n\n${helpText()}`);
  });
});
