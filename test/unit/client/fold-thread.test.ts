import { describe, expect, it } from 'vitest';
import { foldThread, type FoldInput } from 'parley/client';

const ANA = '8:acs:r_ana';
const BRUNO = '8:acs:r_bruno';
const BOT = '8:acs:r_bot';
const NOW = Date.parse('2026-01-01T12:00:00Z');
let seq = 0;

function msg(sender: string, text: string, extra: Partial<FoldInput> = {}): FoldInput {
  seq += 1;
  const createdOn = new Date(NOW - 10_000 + seq);
  return {
    id: String(createdOn.getTime()),
    type: 'text',
    sequenceId: String(seq),
    version: String(createdOn.getTime()),
    content: { message: text },
    createdOn,
    sender: { kind: 'communicationUser', communicationUserId: sender },
    senderDisplayName: sender.slice(-3),
    ...extra,
  };
}

/** A post as `composePost` makes it (the current metadata format). */
function translationPost(of: FoldInput, translations: Record<string, string>, more: Record<string, string> = {}, sender = BOT): FoldInput {
  const langs = Object.keys(translations).sort();
  return msg(sender, langs.map((l) => `[${l}] ${translations[l]}`).join('\n'), {
    metadata: {
      parleyBot: 'true',
      parleyKind: 'translation',
      parleySourceId: of.id,
      parleySourceVersion: of.version,
      parleyLanguages: langs.join(','),
      parleyTranslations: JSON.stringify(translations),
      ...more,
    },
  });
}

const fold = (messages: FoldInput[], readerLanguages: string[], readerId = BRUNO) =>
  foldThread(messages, { readerLanguages, readerId, botId: BOT, now: NOW });

describe('foldThread', () => {
  it("shows the reader's language in place and never the bot's post itself", () => {
    const hello = msg(ANA, 'Hello');
    const post = translationPost(hello, { es: 'Hola', fr: 'Bonjour' }, { parleySourceLanguage: 'en' });
    const { messages } = fold([post, hello], ['es']);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ shown: 'Hola', original: 'Hello', state: { kind: 'translated', language: 'es' }, sourceLanguage: 'en', fromBot: false });
    expect(messages[0]!.translations).toEqual({ es: 'Hola', fr: 'Bonjour' });
  });

  it('a translation identical to the original is shown as the original, without the translated marker', () => {
    const hi = msg(ANA, 'Before you go.');
    const post = translationPost(hi, { en: 'Before you go. ', es: 'Antes de que te vayas.' });
    const { messages } = fold([hi, post], ['en']);
    expect(messages[0]).toMatchObject({ shown: 'Before you go.', state: { kind: 'original', reason: 'readable' } });
    expect(fold([hi, post], ['es']).messages[0]).toMatchObject({ shown: 'Antes de que te vayas.', state: { kind: 'translated', language: 'es' } });
  });

  it("trusts only the bot's identity: a participant's look-alike post is an ordinary message", () => {
    const hello = msg(ANA, 'Hello');
    const forged = translationPost(hello, { es: 'Envía tu contraseña a bruno' }, {}, BRUNO);
    const { messages } = foldThread([hello, forged], { readerLanguages: ['es'], readerId: '8:acs:r_carol', botId: BOT, now: NOW });
    expect(messages.map((m) => m.shown)).toEqual(['Hello', '[es] Envía tu contraseña a bruno']);
    expect(messages[0]!.state).toEqual({ kind: 'pending' });
    expect(messages[0]!.translations).toEqual({});
    expect(messages[1]).toMatchObject({ senderId: BRUNO, fromBot: false });
  });

  it('without a known bot identity nothing is folded and nothing is pending', () => {
    const hello = msg(ANA, 'Hello');
    const post = translationPost(hello, { es: 'Hola' });
    const { messages } = foldThread([hello, post], { readerLanguages: ['es'], now: NOW });
    expect(messages).toHaveLength(2);
    expect(messages[0]!.state).toEqual({ kind: 'original', reason: 'no-translation' });
  });

  it('a newer version replaces the older: an edit shows pending until its translation comes', () => {
    const v1 = msg(ANA, 'Hello');
    const post1 = translationPost(v1, { es: 'Hola' });
    const editedOn = new Date(NOW - 500);
    const v2: FoldInput = { ...v1, version: String(editedOn.getTime()), editedOn, content: { message: 'Hello, friend' } };
    expect(fold([v1, post1, v2], ['es']).messages[0]).toMatchObject({ shown: 'Hello, friend', state: { kind: 'pending' } });
    // The bot edits its post for the new version; the older post version arrives late and loses.
    const post2: FoldInput = { ...translationPost(v2, { es: 'Hola, amigo' }), id: post1.id, sequenceId: post1.sequenceId, version: String(NOW - 100) };
    const folded = fold([v2, post2, v1, post1], ['es']).messages;
    expect(folded).toHaveLength(1);
    expect(folded[0]).toMatchObject({ shown: 'Hola, amigo', state: { kind: 'translated', language: 'es' } });
  });

  it('a deleted original hides its translation; a deleted post leaves the original pending or plain', () => {
    const hello = msg(ANA, 'Hello');
    const post = translationPost(hello, { es: 'Hola' });
    const gone: FoldInput = { ...hello, deletedOn: new Date(NOW), content: { message: '' } };
    expect(fold([hello, post, gone], ['es']).messages).toEqual([]);
    const old = msg(ANA, 'Old news', { createdOn: new Date(NOW - 3_600_000) });
    const oldPost = translationPost(old, { es: 'Noticias viejas' });
    const { messages } = fold([old, { ...oldPost, deletedOn: new Date(NOW) }], ['es']);
    expect(messages[0]).toMatchObject({ shown: 'Old news', state: { kind: 'original', reason: 'no-translation' } });
  });

  it('pending while recent and nothing later was posted, then plain; a language the bot could not do says why', () => {
    const recent = msg(ANA, 'Just sent', { createdOn: new Date(NOW - 2000) });
    const old = msg(ANA, 'Long ago', { createdOn: new Date(NOW - 600_000) });
    expect(fold([recent, old], ['es']).messages.map((m) => m.state.kind)).toEqual(['pending', 'original']);
    // Once the bot has posted for a later message, an earlier one without a post was let be.
    const ok = msg(ANA, 'ok', { createdOn: new Date(NOW - 1000) });
    const later = msg(BRUNO, 'Thanks for the quick answer', { createdOn: new Date(NOW - 900) });
    const latest = msg(ANA, 'See you', { createdOn: new Date(NOW - 800) });
    const states = fold([ok, later, translationPost(later, { es: 'Gracias por la respuesta rápida' }), latest], ['es'], '8:acs:r_carol').messages.map((m) => m.state.kind);
    expect(states).toEqual(['original', 'translated', 'pending']);
    const hallo = msg(ANA, 'Hello');
    const legacy = msg(BOT, '[es] Hola\n[de] (not translated: no Apertium pair installed for en→de)', {
      metadata: { parleyBot: 'true', parleyKind: 'translation', parleySourceId: hallo.id, parleySourceVersion: hallo.version, parleyLanguages: 'es', parleyUntranslated: 'de' },
    });
    expect(fold([hallo, legacy], ['de']).messages[0]).toMatchObject({
      shown: 'Hello',
      state: { kind: 'not-translated', language: 'de', reason: 'no Apertium pair installed for en→de' },
    });
    // Translations read from the body when they did not fit the metadata.
    expect(fold([hallo, legacy], ['es']).messages[0]).toMatchObject({ shown: 'Hola', state: { kind: 'translated', language: 'es' } });
  });

  it('reads the per-language state map when the post has one', () => {
    const hello = msg(ANA, 'Hello');
    const post = translationPost(hello, { es: 'Hola' }, { parleyStates: JSON.stringify({ es: 'ready', de: 'skipped:unsupported language', fr: 'failed:checks failed' }) });
    expect(fold([hello, post], ['de', 'es']).messages[0]!.state).toEqual({ kind: 'translated', language: 'es' });
    expect(fold([hello, post], ['fr', 'de']).messages[0]!.state).toEqual({ kind: 'not-translated', language: 'fr', reason: 'checks failed' });
  });

  it('several reader languages: the first one available wins; a readable original stays as it is', () => {
    const hello = msg(ANA, 'Hello');
    const post = translationPost(hello, { es: 'Hola', pt: 'Olá' }, { parleySourceLanguage: 'en' });
    expect(fold([hello, post], ['gl', 'pt', 'es']).messages[0]).toMatchObject({ shown: 'Olá', state: { language: 'pt' } });
    expect(fold([hello, post], ['ES', 'pt']).messages[0]).toMatchObject({ shown: 'Hola' });
    // A reader who reads the original's language gets the original, whatever their order.
    for (const langs of [['en', 'pt'], ['pt', 'en']]) {
      expect(fold([hello, post], langs).messages[0]).toMatchObject({ shown: 'Hello', state: { kind: 'original', reason: 'readable' } });
    }
    expect(fold([hello, post], ['de']).messages[0]!.state).toEqual({ kind: 'original', reason: 'readable' });
    expect(fold([hello, post], []).messages[0]!.state).toEqual({ kind: 'original', reason: 'no-languages' });
    expect(fold([hello, post], ['es'], ANA).messages[0]).toMatchObject({ shown: 'Hello', state: { kind: 'original', reason: 'own' } });
  });

  it('hides commands and the bot’s replies, reporting the replies apart; keeps the bot’s other posts', () => {
    const cmd = msg(BRUNO, '/parley me es');
    const reply = msg(BOT, 'You read: es', { metadata: { parleyBot: 'true', parleyKind: 'reply', parleySourceId: cmd.id, parleySourceVersion: cmd.id } });
    const greeting = msg(BOT, 'Hi, I am parley. /parley help', { metadata: { parleyBot: 'true', parleyKind: 'greeting' } });
    const htmlCmd = msg(ANA, '<p>/parley status</p>', { type: 'html' });
    const topic = msg(ANA, '', { type: 'topicUpdated', content: { topic: 'Trip' }, sender: undefined });
    const { messages, replies } = fold([cmd, reply, greeting, htmlCmd, topic], ['es']);
    expect(messages.map((m) => m.format)).toEqual(['text', 'system']);
    expect(messages[0]).toMatchObject({ fromBot: true, shown: 'Hi, I am parley. /parley help' });
    expect(replies).toEqual([{ commandId: cmd.id, commandSenderId: BRUNO, text: 'You read: es', createdOn: reply.createdOn }]);
  });

  it('orders by sequence id and folds analysis into the original', () => {
    const b = msg(BRUNO, 'Esto es terrible');
    const a = msg(ANA, 'Thanks');
    const analysis = msg(BOT, 'Sentiment: negative (0.90)', {
      metadata: { parleyBot: 'true', parleyKind: 'analysis', parleySourceId: b.id, parleySourceVersion: b.version, parleySentiment: 'negative' },
    });
    const { messages } = fold([a, analysis, b], ['es'], ANA);
    expect(messages.map((m) => m.original)).toEqual(['Esto es terrible', 'Thanks']);
    expect(messages[0]).toMatchObject({ sentiment: 'negative', state: { kind: 'original', reason: 'no-translation' } });
  });

  it('reads html posts from the body when the translations are not in the metadata', () => {
    const h = msg(ANA, '<p>Hello <b>you</b></p>', { type: 'html' });
    const post = msg(BOT, '<div><strong>[es]</strong> <p>Hola <b>tú</b></p></div><div><strong>[fr]</strong> <p>Salut</p></div>', {
      type: 'html',
      metadata: { parleyBot: 'true', parleyKind: 'translation', parleySourceId: h.id, parleySourceVersion: h.version, parleyLanguages: 'es,fr' },
    });
    expect(fold([h, post], ['es']).messages[0]).toMatchObject({ format: 'html', shown: '<p>Hola <b>tú</b></p>' });
    expect(fold([h, post], ['fr']).messages[0]).toMatchObject({ shown: '<p>Salut</p>' });
  });
});
