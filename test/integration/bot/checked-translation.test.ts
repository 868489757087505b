/**
 * The LLM path of a thread with a glossary, a register and context, against the fake model server:
 * what the request carries, that only the current message's translation is posted, and that a bad
 * answer (a dropped kept term, a wrong language, a copy, chatter) is caught, asked again once with a
 * changed request, and then posted — or reported untranslated with its reason.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Bot } from '../../../src/bot/bot.js';
import { BotPostWatch, type BotStack, jobFinished, jobIdOf, startBotStack, threadWithBot } from '../../support/bot-env.js';
import type { TestBackend } from '../../support/chat-server.js';
import { inputText, type FakeOpenAI, type RecordedRequest } from '../../support/fake-openai.js';

let stack: BotStack;
let backend: TestBackend;
let fake: FakeOpenAI;
let bot: Bot;
let watch: BotPostWatch;
beforeAll(async () => {
  stack = await startBotStack('checked-translation', { fake: {} });
  ({ backend, fake, bot, watch } = stack);
});
afterAll(() => stack?.close());

const glossary = { keep: ['Acme Cloud'], terms: { es: { ticket: 'incidencia' } } };
const answer = (translations: Record<string, string>) => ({ type: 'json' as const, value: { detectedLanguage: 'en', translations } });
const system = (r: RecordedRequest) => (r.body.messages as Array<{ content: string }>)[0]!.content;

/** Sends a message and returns its post, its job and the model requests it caused. */
async function send(threadId: string, user: string, content: string) {
  const calls = fake.chatRequests().length;
  const message = backend.chat.sendMessage(user, threadId, { content, type: 'text' });
  const post = await watch.posted(threadId, message.id);
  const job = await jobFinished(bot, jobIdOf(message));
  return { post, job, requests: fake.chatRequests().slice(calls) };
}

it('sends the glossary, the register and the earlier messages as context, once, and posts the current message only', async () => {
  const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es', 'de'], glossary, formality: { default: 'formal', de: 'informal' }, context: 3 });
  const earlier = 'We moved the database to the new cluster yesterday evening after the outage.';
  await send(threadId, users[0]!, earlier);

  fake.script(answer({ es: 'La incidencia de Acme Cloud ya está resuelta.', de: 'Das Ticket von Acme Cloud ist jetzt behoben.' }));
  const r = await send(threadId, users[0]!, 'Acme Cloud ticket is fixed now.');
  expect(r.requests).toHaveLength(1);
  const messages = r.requests[0]!.body.messages as Array<{ role: string; content: string }>;
  expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'user']);
  expect(system(r.requests[0]!)).toContain('Keep exactly as written, never translate: "Acme Cloud".');
  expect(system(r.requests[0]!)).toContain('In es, translate "ticket" as "incidencia"');
  expect(system(r.requests[0]!)).toMatch(/^- Register: .*es \(Spanish\): formal \(polite/m);
  expect(system(r.requests[0]!)).toMatch(/^- Register: .*de \(German\): informal \(familiar/m);
  // The context: its own fenced turn, named in the system prompt as not to be translated.
  const contextLines = messages[1]!.content.split('\n');
  expect(contextLines[0]).toMatch(/^<context-[0-9a-f]{12}>$/);
  expect(system(r.requests[0]!)).toContain(`between the line ${contextLines[0]} and the matching closing line`);
  expect(system(r.requests[0]!)).toMatch(/Never translate the context/);
  expect(contextLines.slice(1, -1)).toEqual([expect.stringContaining(earlier)]);
  expect(messages[1]!.content).not.toContain('[es]'); // the bot's own posts are not context
  expect(inputText(r.requests[0]!.body)).toBe('Acme Cloud ticket is fixed now.');

  expect(r.post.content.message).toBe('[de] Das Ticket von Acme Cloud ist jetzt behoben.\n[es] La incidencia de Acme Cloud ya está resuelta.');
  expect(r.post.content.message).not.toContain('database');
  expect(JSON.parse(r.post.metadata!.parleyStates!)).toEqual({ es: 'ready', de: 'ready' });
  expect(JSON.parse(r.post.metadata!.parleyChecked!).es.split(',')).toEqual(expect.arrayContaining(['placeholders', 'keep', 'terms', 'language', 'copy', 'chatter', 'length']));
});

it('catches an answer that drops a kept term, asks again told why, then reports it untranslated with the reason', async () => {
  const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es'], glossary, context: 0 });
  const dropped = answer({ es: 'Por favor, abra una incidencia para Nube de Acmé antes de la reunión.' });
  fake.script(dropped, dropped);
  const r = await send(threadId, users[0]!, 'Please open a ticket for Acme Cloud before the meeting.');
  expect(r.requests).toHaveLength(2);
  expect(system(r.requests[0]!)).not.toContain('previous answer');
  expect(system(r.requests[1]!)).toContain('a previous answer for this message was rejected. Fix this: es: the kept term "Acme Cloud" is missing or changed');
  expect(r.job.attemptsMade).toBe(1);
  expect(r.post.content.message).not.toContain('Nube');
  expect(r.post.metadata).toMatchObject({ parleyUntranslated: 'es', parleyStates: JSON.stringify({ es: 'failed:the kept term "Acme Cloud" is missing or changed' }) });
});

it('catches an answer in the wrong language and posts the corrected second answer', async () => {
  const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es'], context: 0 });
  fake.script(answer({ es: 'Der nächtliche Build ist heute Morgen schon wieder fehlgeschlagen.' }), answer({ es: 'La compilación nocturna ha vuelto a fallar esta mañana.' }));
  const r = await send(threadId, users[0]!, 'The nightly build failed again this morning, sadly.');
  expect(r.requests).toHaveLength(2);
  expect(system(r.requests[1]!)).toContain('es: the answer is in German, not Spanish');
  expect(r.post.content.message).toBe('[es] La compilación nocturna ha vuelto a fallar esta mañana.');
  expect(JSON.parse(r.post.metadata!.parleyStates!)).toEqual({ es: 'ready' });
});

it('catches a copy of the original, then chatter, and reports the language untranslated', async () => {
  const { threadId, users } = await threadWithBot(backend, bot, { languages: ['es'], context: 0 });
  const original = 'Could everyone review the release notes before Friday please?';
  fake.script(answer({ es: original }), answer({ es: 'Sure! Here is the translation: ¿Podrían todos revisar las notas de la versión antes del viernes?' }));
  const r = await send(threadId, users[0]!, original);
  expect(r.requests).toHaveLength(2);
  expect(system(r.requests[1]!)).toContain('es: the answer repeats the original');
  expect(r.post.content.message).not.toContain('Sure!');
  expect(JSON.parse(r.post.metadata!.parleyStates!)).toEqual({ es: 'failed:the answer wraps the translation in comments or quotes' });
});
