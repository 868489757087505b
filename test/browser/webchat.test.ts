/**
 * The web chat in real Chromium: two people in two browser contexts, each reading their own language
 * in place (offline engine: Apertium en↔es), live edits, deletes and typing, reconnection after the
 * server drops a socket or the path goes silent, and no way for message content to execute.
 */
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebchatStack, type Invited, type WebchatStack } from '../support/webchat-stack.js';

const ARTIFACTS = 'test-artifacts/webchat';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Short, so a silent connection is noticed in seconds (the page waits two heartbeats). */
const HEARTBEAT_MS = 1500;

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

  beforeAll(async () => {
    const { people } = await stack.thread('Trip to Lisbon', [
      { name: 'Ana', reads: ['en'] },
      { name: 'Bruno', reads: ['es'] },
    ]);
    [ana, bruno] = await Promise.all(people.map((p) => open(p)));
    brunoId = people[1]!.userId;
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
      await expect(tab.page.locator('.msg').count()).resolves.toBe(2);
      await expect(tab.page.locator('.messages').textContent()).resolves.not.toMatch(/\[es\]|\[en\]|\/parley/);
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
    await expect(bruno.page.locator('.msg').count()).resolves.toBe(1);
    expect([...ana.problems, ...bruno.problems]).toEqual([]);
  }, 120_000);

  it('after the server closes Bruno’s socket while Ana keeps writing, Bruno has every message once', async () => {
    await bruno.page.context().setOffline(true);
    for (const ws of serverSockets(brunoId)) ws.terminate();
    await bruno.page.locator('.conn[data-state=reconnecting]').waitFor();
    const texts = ['One.', 'Two dogs.', 'Three houses.', 'Four cats.', 'Five trains.'];
    for (const t of texts) await send(ana, t);
    for (const t of texts) await message(ana, t).waitFor();
    await bruno.page.context().setOffline(false);
    await bruno.page.locator('.conn[data-state=live]').waitFor();
    for (const t of ['Uno.', 'Dos perros.', 'Tres casas.', 'Cuatro gatos.', 'Cinco trenes.']) await message(bruno, t).waitFor();
    const bodies = await bruno.page.locator('.msg .body').allTextContents();
    expect(bodies).toHaveLength(1 + texts.length);
    expect(new Set(bodies).size).toBe(bodies.length);
    await shot(bruno, '06-after-reconnect');
  }, 120_000);

});

/** The server side of a user's WebSockets (the hub keeps them by user). */
function serverSockets(userId: string): Array<{ terminate(): void }> {
  const byUser = (stack.backend.realtime as unknown as { byUser: Map<string, Set<{ ws: { terminate(): void } }>> }).byUser;
  return [...(byUser.get(userId) ?? [])].map((c) => c.ws);
}

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
    await expect(diego.page.locator('.msg').count()).resolves.toBe(1);
  }, 120_000);
});
