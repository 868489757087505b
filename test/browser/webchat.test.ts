import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebchatStack, type Invited, type WebchatStack } from '../support/webchat-stack.js';

const ARTIFACTS = 'test-artifacts/webchat';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let stack: WebchatStack;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  [stack, browser] = await Promise.all([startWebchatStack('webchat', { backend: { realtime: { heartbeatMs: 2000 } } }), chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** A signed-in tab of its own (separate storage), refusing anything but the server under test. */
async function open(person: Invited): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
  contexts.push(context);
  context.setDefaultTimeout(20_000);
  await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  (page as Page & { errors?: string[] }).errors = errors;
  await page.goto(person.url);
  await page.locator('.conn[data-state=live]').waitFor();
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png` });

describe('web chat in Chromium', () => {
  it('scratch', async () => {
    const { people } = await stack.thread('Trip to Lisbon', [
      { name: 'Ana', reads: ['en'] },
      { name: 'Bruno', reads: ['es'] },
    ]);
    const [ana, bruno] = [await open(people[0]!), await open(people[1]!)];
    await ana.locator('#box').fill('The house is very big and the dog is black.');
    await ana.keyboard.press('Enter');
    try { await bruno.locator('.msg[data-state=translated]').first().waitFor(); } finally { await shot(ana, 'dbg-ana'); await shot(bruno, 'dbg-bruno'); console.log((ana as any).errors, (bruno as any).errors); }
    await bruno.locator('#box').fill('Hola Ana, el perro es muy grande.');
    await bruno.keyboard.press('Enter');
    await ana.locator('.msg[data-state=translated]').first().waitFor();
    await shot(ana, 'scratch-ana');
    await shot(bruno, 'scratch-bruno');
    console.log((ana as any).errors, (bruno as any).errors);
  }, 120_000);
});
