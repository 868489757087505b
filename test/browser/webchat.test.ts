/**
 * The web chat in real Chromium: two people in two browser contexts, each reading their own language
 * in place (offline engine: Apertium en↔es), live edits, deletes and typing, reconnection after the
 * server drops a socket or the path goes silent, and no way for message content to execute.
 */
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectUser } from '../support/realtime-client.js';
import { startWebchatStack, type Invited, type WebchatStack } from '../support/webchat-stack.js';
import { XSS_CORPUS } from '../support/xss-corpus.js';

const ARTIFACTS = 'test-artifacts/webchat';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Short, so a silent connection is noticed in seconds (the page waits two heartbeats). */
const HEARTBEAT_MS = 1500;
/** Messages from people (the bot's greeting is an ordinary post of its own). */
const PEOPLE = '.msg:not(.from-bot)';

let stack: WebchatStack;
let browser: Browser;

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  [stack, browser] = await Promise.all([
    startWebchatStack('webchat', { backend: { realtime: { heartbeatMs: HEARTBEAT_MS } } }),
    chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }),
  ]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

interface Tab {
  page: Page;
  /** Page errors, console errors and CSP violations seen so far. */
  problems: string[];
}

/** A signed-in tab in a context of its own (own sessionStorage), refusing anything but the server under test. */
async function open(person: Invited, opts: { silence?: { on: boolean } } = {}): Promise<Tab> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 760 }, locale: 'en-GB' });
  context.setDefaultTimeout(30_000);
  await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)));
  if (opts.silence) {
    const silence = opts.silence;
    // A path that dies without a close: frames stop in both directions, both sockets stay open.
    await page.routeWebSocket(/\/notifications/, (ws) => {
      const server = ws.connectToServer();
      let dead = false;
      ws.onMessage((m) => void (!dead && !silence.on ? server.send(m) : (dead = true)));
      server.onMessage((m) => void (!dead && !silence.on ? ws.send(m) : (dead = true)));
    });
  }
  await page.goto(person.url);
  await page.locator('.conn[data-state=live]').waitFor();
  return { page, problems };
}

const shot = (tab: Tab, name: string) => tab.page.screenshot({ path: `${ARTIFACTS}/${name}.png` });
const send = async (tab: Tab, text: string) => {
  await tab.page.locator('#box').fill(text);
  await tab.page.locator('#box').press('Enter');
};
const message = (tab: Tab, text: string) => tab.page.locator('.msg', { hasText: text });

describe('two people, two languages', () => {
  let ana: Tab;
  let bruno: Tab;
  let brunoId: string;
  let threadId: string;
  const threadIdOf = (_tab: Tab) => threadId;

  beforeAll(async () => {
    const thread = await stack.thread('Trip to Lisbon', [
      { name: 'Ana', reads: ['en'] },
      { name: 'Bruno', reads: ['es'] },
    ]);
    const { people } = thread;
    [ana, bruno] = await Promise.all([open(people[0]!), open(people[1]!)]);
    brunoId = people[1]!.userId;
    threadId = thread.threadId;
  }, 90_000);

  it('Bruno reads Ana’s English in Spanish in place, Ana reads his Spanish in English; “show original” works', async () => {
    expect(new URL(ana.page.url()).hash).toBe('');
    await send(ana, 'The house is very big and the dog is black.');
    await message(bruno, 'La casa es muy grande').waitFor();
    const inSpanish = bruno.page.locator(`.msg[data-id="${await message(bruno, 'La casa es muy grande').getAttribute('data-id')}"]`);
    await expect(inSpanish.getAttribute('data-state')).resolves.toBe('translated');
    await expect(inSpanish.locator('.note').textContent()).resolves.toContain('Translated from English');
    await expect(inSpanish.locator('.body').getAttribute('lang')).resolves.toBe('es');

    await send(bruno, 'Hola Ana, el perro es muy grande.');
    const inEnglish = message(ana, 'the dog is very big');
    await inEnglish.waitFor();
    await expect(inEnglish.locator('.note').textContent()).resolves.toContain('Translated from Spanish');
    // Each sees their own message as written, and the bot's posts and the pages' /parley me commands never.
    await message(ana, 'The house is very big and the dog is black.').waitFor();
    for (const tab of [ana, bruno]) {
      await expect(tab.page.locator(PEOPLE).count()).resolves.toBe(2);
      for (const text of await tab.page.locator(`${PEOPLE}, .msg-system`).allTextContents()) expect(text).not.toMatch(/\[es\]|\[en\]|\/parley/);
    }
    await shot(ana, '01-ana-reads-english');
    await shot(bruno, '02-bruno-reads-spanish');

    const toggle = inSpanish.getByRole('button', { name: 'Show original' });
    await toggle.click();
    await expect(inSpanish.locator('.body').textContent()).resolves.toBe('The house is very big and the dog is black.');
    await expect(inSpanish.getByRole('button', { name: 'Show Spanish' }).getAttribute('aria-pressed')).resolves.toBe('true');
    await shot(bruno, '03-bruno-shows-original');
    await inSpanish.getByRole('button', { name: 'Show Spanish' }).click();
    await expect(inSpanish.locator('.body').textContent()).resolves.toContain('La casa es muy grande');
  }, 120_000);

  it('shows the typing indicator, and an edit and a delete follow live in the other tab', async () => {
    await ana.page.locator('#box').pressSequentially('The cat', { delay: 20 });
    await bruno.page.locator('.typing', { hasText: 'Ana is typing…' }).waitFor();
    await shot(bruno, '04-typing');
    await ana.page.locator('#box').fill('');

    const mine = message(ana, 'The house is very big and the dog is black.');
    await mine.hover();
    await mine.getByRole('button', { name: 'Edit' }).click();
    const editor = ana.page.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('The house is very small.');
    await editor.press('Enter');
    const edited = message(bruno, 'La casa es muy pequeña');
    await edited.waitFor();
    await expect(edited.locator('.edited').count()).resolves.toBe(1);
    await expect(message(bruno, 'La casa es muy grande').count()).resolves.toBe(0);
    await shot(bruno, '05-edit-followed');

    const again = message(ana, 'The house is very small.');
    await again.hover();
    await again.getByRole('button', { name: 'Delete' }).click();
    await edited.waitFor({ state: 'detached' });
    await expect(bruno.page.locator(PEOPLE).count()).resolves.toBe(1);
    expect([...ana.problems, ...bruno.problems]).toEqual([]);
  }, 120_000);

  it('says “Translating…” while the bot works, and “Not translated” when it cannot do a reader’s language', async () => {
    await stack.bot.worker!.pause();
    let id: string | null = null;
    try {
      await send(ana, 'The station is far away.');
      const pending = bruno.page.locator(`${PEOPLE}[data-state=pending]`);
      await pending.locator('.note', { hasText: 'Translating…' }).waitFor();
      await expect(pending.locator('.body').textContent()).resolves.toBe('The station is far away.');
      id = await pending.getAttribute('data-id');
      await shot(bruno, '06-translating');
    } finally {
      stack.bot.worker!.resume();
    }
    await bruno.page.locator(`.msg[data-id="${id}"][data-state=translated]`).waitFor();
    await expect(bruno.page.locator(`.msg[data-id="${id}"] .body`).textContent()).resolves.toMatch(/lejos/);
    await expect(bruno.page.locator(`${PEOPLE}[data-state=pending]`).count()).resolves.toBe(0);

    // A reader of German, which the offline engine cannot make from English here.
    const klaus = await stack.invite(threadIdOf(ana), { name: 'Klaus', reads: [] });
    await stack.bot.settings.setReader(threadIdOf(ana), klaus.userId, ['de']);
    const tab = await open({ ...klaus, url: klaus.url.replace(/reads=[^&]*$/, 'reads=de') });
    await send(ana, 'The museum opens at nine.');
    const row = message(tab, 'The museum opens at nine.');
    await row.locator('.note.warn', { hasText: 'Not translated into German' }).waitFor();
    await expect(row.getAttribute('data-state')).resolves.toBe('not-translated');
    await expect(row.locator('.note.warn').getAttribute('title')).resolves.toBeTruthy();
    await shot(tab, '07-not-translated');
  }, 120_000);

  it('after the server closes Bruno’s socket while Ana keeps writing, Bruno has every message once', async () => {
    const before = await bruno.page.locator(PEOPLE).count();
    await bruno.page.context().setOffline(true);
    for (const ws of serverSockets(brunoId)) ws.terminate();
    await bruno.page.locator('.conn[data-state=reconnecting]').waitFor();
    const texts = ['One.', 'Two dogs.', 'Three houses.', 'Four cats.', 'Five trains.'];
    for (const t of texts) await send(ana, t);
    for (const t of texts) await message(ana, t).waitFor();
    // Still cut off: everything Ana wrote has to come from the catch-up, not from live events.
    await expect(bruno.page.locator('.conn').getAttribute('data-state')).resolves.toBe('reconnecting');
    await expect(message(bruno, 'Uno.').count()).resolves.toBe(0);
    await bruno.page.context().setOffline(false);
    await bruno.page.locator('.conn[data-state=live]').waitFor();
    for (const t of ['Uno.', 'Dos perros.', 'Tres casas.', 'Cuatro gatos.', 'Cinco trenes.']) await message(bruno, t).waitFor();
    const bodies = await bruno.page.locator(`${PEOPLE} .body`).allTextContents();
    expect(bodies).toHaveLength(before + texts.length);
    expect(new Set(bodies).size).toBe(bodies.length);
    await shot(bruno, '12-after-reconnect');
  }, 120_000);

});

/** The server side of a user's WebSockets (the hub keeps them by user). */
function serverSockets(userId: string): Array<{ terminate(): void }> {
  const byUser = (stack.backend.realtime as unknown as { byUser: Map<string, Set<{ ws: { terminate(): void } }>> }).byUser;
  return [...(byUser.get(userId) ?? [])].map((c) => c.ws);
}

describe('choosing what one reads', () => {
  it('the “I read” box tells the bot (/parley me), which then translates for the reader; sentiment badges show with analysis on', async () => {
    const { people } = await stack.thread('Santiago', [{ name: 'Bea', reads: ['es'] }, { name: 'Gael', reads: [] }], { mode: 'both', analysis: 'all' });
    const [bea, gael] = [await open(people[0]!), await open(people[1]!)];
    await send(bea, 'El tren llega muy tarde.');
    const first = message(gael, 'El tren llega muy tarde.');
    await first.locator('.sentiment').waitFor();
    await expect(first.getAttribute('data-state')).resolves.toBe('original');

    await gael.page.getByRole('textbox', { name: 'I read' }).fill('gl, xx');
    await gael.page.getByRole('button', { name: 'Save' }).click();
    await gael.page.getByRole('alert').filter({ hasText: 'xx' }).waitFor();
    await gael.page.getByRole('textbox', { name: 'I read' }).fill('gl');
    await gael.page.getByRole('textbox', { name: 'I read' }).press('Enter');
    await gael.page.locator('.notice', { hasText: 'Galician' }).waitFor();
    await send(bea, 'La casa es muy grande y el perro es negro, pero el gato es pequeño y blanco.');
    const translated = gael.page.locator(`${PEOPLE}[data-state=translated]`);
    await translated.waitFor();
    await expect(translated.locator('.note').textContent()).resolves.toContain('Translated from Spanish');
    await expect(translated.locator('.body').getAttribute('lang')).resolves.toBe('gl');
    await expect(translated.locator('.sentiment').count()).resolves.toBe(1);
    await expect(gael.page.locator(PEOPLE).count()).resolves.toBe(2);
    await shot(gael, '10-reads-galician');
    // The bot's answer is news once: reopened, the page keeps it in the past.
    await gael.page.locator('.notice', { hasText: 'parley: you read' }).waitFor();
    await gael.page.reload();
    await gael.page.locator('.conn[data-state=live]').waitFor();
    await translated.waitFor();
    await expect(gael.page.locator('.notice').isHidden()).resolves.toBe(true);
  }, 120_000);
});

describe('history', () => {
  it('shows the newest page first, at the bottom, and loads older pages when scrolled to the top', async () => {
    const { threadId, people } = await stack.thread('Long history', [{ name: 'Hugo', reads: [] }, { name: 'Iris', reads: [] }]);
    for (let i = 1; i <= 120; i++) stack.backend.chat.sendMessage(people[0]!.userId, threadId, { content: `Message ${i}.`, type: 'text' });
    const iris = await open(people[1]!);
    await message(iris, 'Message 120.').waitFor();
    await expect(message(iris, 'Message 1.').count()).resolves.toBe(0);
    const atBottom = await iris.page.locator('.log').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 5);
    expect(atBottom).toBe(true);
    for (let i = 0; i < 10 && (await iris.page.locator('.msg .body', { hasText: /^Message 1\.$/ }).count()) === 0; i++) {
      await iris.page.locator('.log').evaluate((el) => el.scrollTo({ top: 0 }));
      await iris.page.waitForFunction((n) => document.querySelectorAll('.msg').length > n, await iris.page.locator('.msg').count(), { timeout: 10_000 }).catch(() => undefined);
    }
    const bodies = await iris.page.locator('.msg .body').allTextContents();
    expect(bodies.filter((b) => /^Message \d+\.$/.test(b))).toEqual(Array.from({ length: 120 }, (_, i) => `Message ${i + 1}.`));
    await expect(iris.page.locator('.older').isHidden()).resolves.toBe(true);
  }, 120_000);
});

describe('threads', () => {
  it('lists the person’s threads by last activity with unread counts, and opens another from the list', async () => {
    const alpha = await stack.thread('Alpha', [{ name: 'Jon', reads: [] }]);
    const beta = await stack.thread('Beta', [{ name: 'Lia', reads: [] }]);
    const jon = alpha.people[0]!;
    stack.backend.chat.addParticipants({ admin: true }, beta.threadId, [{ rawId: jon.userId, displayName: 'Jon' }]);
    const tab = await open(jon);
    const betaItem = tab.page.locator(`.thread[data-thread-id="${beta.threadId}"]`);
    await betaItem.waitFor();
    for (const text of ['Are you there?', 'Ping me when you can.']) stack.backend.chat.sendMessage(beta.people[0]!.userId, beta.threadId, { content: text, type: 'text' });
    await betaItem.getByLabel('2 unread').waitFor();
    await expect(tab.page.locator('.thread').first().getAttribute('data-thread-id')).resolves.toBe(beta.threadId);
    await shot(tab, '11-unread');
    await betaItem.click();
    await tab.page.locator('.topic', { hasText: 'Beta' }).waitFor();
    await message(tab, 'Ping me when you can.').waitFor();
    await expect(betaItem.getAttribute('aria-current')).resolves.toBe('true');
    await expect(betaItem.locator('.unread').count()).resolves.toBe(0);
    await expect(tab.page.locator(`.thread[data-thread-id="${alpha.threadId}"]`).locator('.unread').count()).resolves.toBe(0);
    // A thread deleted elsewhere leaves the list.
    const gamma = await stack.thread('Gamma', [{ name: 'Max', reads: [] }]);
    stack.backend.chat.addParticipants({ admin: true }, gamma.threadId, [{ rawId: jon.userId, displayName: 'Jon' }]);
    const gammaItem = tab.page.locator(`.thread[data-thread-id="${gamma.threadId}"]`);
    await gammaItem.waitFor();
    stack.backend.chat.deleteThread(gamma.people[0]!.userId, gamma.threadId);
    await gammaItem.waitFor({ state: 'detached' });
  }, 120_000);
});

describe('a connection that dies silently', () => {
  it('is noticed within two heartbeats, replaced, and what was missed is caught up', async () => {
    const { people } = await stack.thread('Silent path', [
      { name: 'Carla', reads: ['en'] },
      { name: 'Diego', reads: ['es'] },
    ]);
    const silence = { on: false };
    const diego = await open(people[1]!, { silence });
    silence.on = true;
    const dropped = Date.now();
    const carla = stack.backend.chat;
    carla.sendMessage(people[0]!.userId, (await diego.page.locator('.thread.active').getAttribute('data-thread-id'))!, { content: 'The train is late.', type: 'text' });
    await diego.page.locator('.conn[data-state=reconnecting]').waitFor();
    const noticedMs = Date.now() - dropped;
    silence.on = false;
    await diego.page.locator('.conn[data-state=live]').waitFor();
    await message(diego, 'El tren es tarde').waitFor();
    expect(noticedMs).toBeLessThan(2 * HEARTBEAT_MS + 3000);
    await expect(diego.page.locator(PEOPLE).count()).resolves.toBe(1);
  }, 120_000);
});

describe('resuming while events of the new connection arrive', () => {
  it('catches up from where the connection dropped, even when a live event lands before the catch-up starts', async () => {
    const { threadId, people } = await stack.thread('Resume point', [
      { name: 'Gala', reads: ['en'] },
      { name: 'Hugo', reads: ['es'] },
    ]);
    const [gala, hugo] = people as [Invited, Invited];
    // The page asks for the bot's identity again when it resumes without one: that request is held
    // (a slow answer) while a new message arrives live on the fresh connection.
    let asked!: () => void;
    const gate = { mode: 'fail' as 'fail' | 'hold' | 'pass', held: [] as Array<() => Promise<void>>, asked: new Promise<void>((r) => (asked = r)) };
    const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    context.setDefaultTimeout(30_000);
    await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
    await context.route('**/parley/bot', async (route) => {
      if (gate.mode === 'fail') return route.abort();
      if (gate.mode === 'pass') return route.continue();
      gate.held.push(() => route.continue());
      asked();
    });
    const page = await context.newPage();
    await page.goto(hugo.url);
    await page.locator('.conn[data-state=live]').waitFor();
    await context.setOffline(true);
    for (const ws of serverSockets(hugo.userId)) ws.terminate();
    await page.locator('.conn[data-state=reconnecting]').waitFor();
    const missed = stack.backend.chat.sendMessage(gala.userId, threadId, { content: 'Sent while Hugo was away.', type: 'text' });
    gate.mode = 'hold';
    await context.setOffline(false);
    await gate.asked;
    const live = stack.backend.chat.sendMessage(gala.userId, threadId, { content: 'Sent once he was back.', type: 'text' });
    await page.locator(`.msg[data-id="${live.id}"]`).waitFor();
    gate.mode = 'pass';
    for (const release of gate.held) await release();
    await page.locator(`.msg[data-id="${missed.id}"]`).waitFor();
    await expect(page.locator(`.msg[data-id="${missed.id}"]`).count()).resolves.toBe(1);
    await context.close();
  }, 120_000);
});

describe('removed from a thread', () => {
  it('says so, keeps the history up to the removal readable, and stops offering to write, also after a reload', async () => {
    const { threadId, people } = await stack.thread('Leaving', [
      { name: 'Ivo', reads: ['en'] },
      { name: 'Juana', reads: ['en'] },
    ]);
    const [ivo, juana] = people as [Invited, Invited];
    stack.backend.chat.sendMessage(ivo.userId, threadId, { content: 'Before you go.', type: 'text' });
    const tab = await open(juana);
    await message(tab, 'Before you go.').waitFor();
    stack.backend.chat.removeParticipant({ admin: true }, threadId, juana.userId);
    const told = tab.page.getByRole('status').filter({ hasText: 'You were removed from this thread' });
    await told.waitFor();
    await expect(tab.page.getByRole('textbox', { name: 'Message' }).isDisabled()).resolves.toBe(true);
    await expect(tab.page.locator('.participants li').count()).resolves.toBeGreaterThan(0);
    await tab.page.reload();
    await told.waitFor();
    await message(tab, 'Before you go.').waitFor();
    await expect(tab.page.getByRole('textbox', { name: 'Message' }).isDisabled()).resolves.toBe(true);
    await shot(tab, '13-removed');
    // On reload the page learns it was removed from the 403s of the members-only lists, which the
    // browser reports itself; nothing else went wrong.
    expect(tab.problems.filter((p) => !p.includes('status of 403'))).toEqual([]);
    await expect(told.isVisible()).resolves.toBe(true);
  }, 120_000);
});

describe('too many tabs', () => {
  it('says the link is open in too many places when the server refuses one more socket (4029), and connects once one closes', async () => {
    const { people } = await stack.thread('Crowded', [{ name: 'Karim', reads: ['en'] }]);
    const karim = people[0]!;
    // The identity's other "tabs": the server's default limit of 20 sockets per identity.
    const others = await Promise.all(Array.from({ length: 20 }, () => connectUser(stack.backend, karim.userId)));
    const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    context.setDefaultTimeout(30_000);
    await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
    const page = await context.newPage();
    await page.goto(karim.url);
    await page.locator('.conn[data-state=crowded]').waitFor();
    await page.getByRole('alert').filter({ hasText: 'too many tabs' }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/14-too-many-tabs.png` });
    others[0]!.ws.close();
    await page.locator('.conn[data-state=live]').waitFor();
    await expect(page.locator('.notice').isHidden()).resolves.toBe(true);
    for (const o of others) o.ws.close();
    await context.close();
  }, 120_000);
});

describe('message content never executes', () => {
  it('renders the XSS corpus, as text and as html, and their translations, without running any of it', async () => {
    const { threadId, people } = await stack.thread('XSS', [
      { name: 'Mallory', reads: ['en'] },
      { name: 'Eve', reads: ['es'] },
    ]);
    const eve = await open(people[1]!);
    await eve.page.evaluate(() => {
      const w = window as unknown as { __xss: (n: number) => void; __ran: number[]; __violations: string[] };
      w.__ran = [];
      w.__violations = [];
      w.__xss = (n) => w.__ran.push(n);
      document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.sample}`));
    });
    const mallory = people[0]!.userId;
    stack.backend.chat.sendMessage(mallory, threadId, { content: '<p>See <a href="https://example.com/docs">the docs</a></p>', type: 'html' });
    const sent: string[] = [];
    for (const { payload } of XSS_CORPUS) {
      stack.backend.chat.sendMessage(mallory, threadId, { content: payload, type: 'text' });
      sent.push(payload);
      try {
        stack.backend.chat.sendMessage(mallory, threadId, { content: `<p>Hello ${payload}</p>`, type: 'html' });
      } catch {
        // Sanitized to nothing: refused by the backend (400), nothing to render.
      }
    }
    const expected = stack.backend.chat.listMessages(mallory, threadId, { limit: 200, startTime: -1, beforeSeq: null }).messages.filter((m) => m.senderId === mallory).length;
    await eve.page.waitForFunction((n) => document.querySelectorAll('.msg:not(.from-bot)').length === n, expected, { timeout: 60_000 });
    // Wait for the bot to have handled every message, so its translations are rendered too.
    await eve.page.waitForFunction(() => document.querySelectorAll('.msg[data-state=pending]').length === 0, undefined, { timeout: 90_000 });
    // Text messages show exactly what was sent.
    const texts = await eve.page.locator('.msg[data-state] .body').allTextContents();
    for (const payload of sent.slice(0, 5)) expect(texts.some((t) => t === payload || t.includes('script'))).toBe(true);
    const dangerous = await eve.page.evaluate(() => {
      const list = document.querySelector('.messages')!;
      const bad: string[] = [];
      for (const el of Array.from(list.querySelectorAll('*'))) {
        if (el.localName === 'a' && !/^(https?|mailto):/.test(el.getAttribute('href') ?? 'https:')) bad.push(`a[href=${el.getAttribute('href')}]`);
        if (/^(script|iframe|object|embed|img|svg|math|style|link|meta|base|form|input|video|audio|source|template|noscript|body|details|marquee|textarea|select)$/.test(el.localName)) bad.push(el.localName);
        for (const a of Array.from(el.attributes)) if (/^on/i.test(a.name) || a.name === 'style' || /^\s*(javascript|data|vbscript):/i.test(a.value)) bad.push(`${el.localName}[${a.name}=${a.value}]`);
      }
      const w = window as unknown as { __ran: number[]; __violations: string[] };
      return { bad, ran: w.__ran, violations: w.__violations };
    });
    await shot(eve, '08-xss-corpus');
    await expect(eve.page.locator('.messages a[href="https://example.com/docs"]').first().getAttribute('rel')).resolves.toBe('noopener noreferrer nofollow');
    expect(dangerous).toEqual({ bad: [], ran: [], violations: [] });
    expect(eve.problems).toEqual([]);
  }, 180_000);
});

describe('signing in', () => {
  it('keeps the token out of the address bar and says how to get a new link when it expires or is revoked', async () => {
    const { threadId, people } = await stack.thread('Support', [{ name: 'Fátima', reads: ['en'] }]);
    const tab = await open(people[0]!);
    expect(tab.page.url()).toBe(`${stack.backend.url}/`);
    await expect(tab.page.evaluate(() => sessionStorage.getItem('parley.session'))).resolves.toContain('"token"');
    // Revoked: the server closes the socket (4003) and the page signs out at once.
    stack.backend.identity.revokeTokens(people[0]!.userId);
    await tab.page.getByRole('heading', { name: 'Your link has expired' }).waitFor();
    await expect(tab.page.locator('code').textContent()).resolves.toBe(`npx parley invite '${threadId}' --name 'Fátima'`);
    await expect(tab.page.evaluate(() => sessionStorage.getItem('parley.session'))).resolves.not.toContain('eyJ');
    await shot(tab, '09-link-expired');
    // A link whose token is already expired never shows the chat.
    const userId = stack.backend.identity.createUser();
    const { token } = await stack.backend.identity.issueToken(userId, ['chat'], 0);
    const expired = await (await browser.newContext()).newPage();
    await expired.goto(`${stack.backend.url}/#token=${token}&thread=${encodeURIComponent(threadId)}&name=Zoe&reads=`);
    await expired.getByRole('heading', { name: 'Your link has expired' }).waitFor();
    await expired.goto(`${stack.backend.url}/`);
    await expired.getByRole('heading', { name: 'Your link has expired' }).waitFor();
    // The link is anyone's to write, and the operator may paste the command shown: it stays one
    // word per value whatever the link holds.
    const crafted = await (await browser.newContext()).newPage();
    const evil = `x"; touch /tmp/pwned; echo "$(id)'`;
    await crafted.goto(`${stack.backend.url}/#token=${token}&thread=${encodeURIComponent(`19:a'b@thread.v2`)}&name=${encodeURIComponent(evil)}&reads=`);
    await crafted.getByRole('heading', { name: 'Your link has expired' }).waitFor();
    await expect(crafted.locator('code').textContent()).resolves.toBe(`npx parley invite '19:a'\\''b@thread.v2' --name 'x"; touch /tmp/pwned; echo "$(id)'\\'''`);
    const none = await (await browser.newContext()).newPage();
    await none.goto(`${stack.backend.url}/`);
    await none.getByRole('heading', { name: 'Open your invite link' }).waitFor();
    await expect(none.locator('code').allTextContents()).resolves.toEqual([`npx parley invite <threadId> --name 'Your name'`, 'npx parley demo']);
    await none.screenshot({ path: `${ARTIFACTS}/10-no-link.png` });
  }, 120_000);
});
