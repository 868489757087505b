/**
 * The dashboard's thread editor for the glossary, formality and context, in real Chromium: the
 * fields show the thread's settings, saving sends them, and what the offline engine cannot honour
 * is said on the page.
 */
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startDashboardStack, threadWithBot, type DashboardStack } from '../support/dashboard-stack.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let stack: DashboardStack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startDashboardStack({ engine: 'local' }), chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

it('edits a thread’s glossary, formality and context, and says what the offline engine cannot do', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(15_000);
  await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
  const page = await context.newPage();
  await page.goto(`${stack.url}/dashboard`);
  await page.fill('#credential', stack.creds.admin);
  await Promise.all([page.waitForURL(`${stack.url}/dashboard`), page.click('button[type=submit]')]);

  const { alice, threadId } = await threadWithBot(stack, 'Support', { languages: ['es'], glossary: { keep: ['Acme Cloud'] } });
  const row = page.locator(`tr[data-thread-id="${threadId}"]`);
  await row.waitFor();
  await expect(row.locator('input[name=keep]').inputValue()).resolves.toBe('Acme Cloud');
  await expect(row.locator('input[name=context]').inputValue()).resolves.toBe('3');

  await row.locator('input[name=keep]').fill('Acme Cloud; Jira');
  await row.locator('input[name=terms]').fill('es:ticket=incidencia');
  await row.locator('input[name=formality]').fill('formal');
  await row.locator('input[name=context]').fill('2');
  await row.getByRole('button', { name: 'Save' }).click();
  const note = page.locator(`[data-note="thread:${threadId}"]`);
  await note.filter({ hasText: 'no formal or informal register' }).waitFor();
  await eventually(async () => (await stack.bot.settings.get(threadId))?.context === 2);
  expect(await stack.bot.settings.get(threadId)).toMatchObject({
    glossary: { keep: ['Acme Cloud', 'Jira'], terms: { es: { ticket: 'incidencia' } } },
    formality: 'formal',
    context: 2,
  });

  // The fake engine ignores the glossary: the check catches it and the job list shows the state.
  stack.backend.chat.sendMessage(alice, threadId, { content: 'Please open a ticket for Acme Cloud today.', type: 'text' });
  await page.locator('#recent-jobs', { hasText: 'es failed:"ticket" was not translated as "incidencia"' }).waitFor();

  await row.locator('input[name=terms]').fill('ticket=incidencia');
  await row.getByRole('button', { name: 'Save' }).click();
  await note.filter({ hasText: 'should look like es:ticket=incidencia' }).waitFor();
  await context.close();
}, 120_000);
