import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, nextBotPost, startDashboardStack, threadWithBot, type DashboardStack } from '../support/dashboard-stack.js';

const ARTIFACTS = 'test-artifacts/dashboard';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let stack: DashboardStack;
let browser: Browser;
/** One logged-in admin page shared by the admin tests: the page updates itself, no reloads. */
let adminPage: Page | undefined;
const admin = async () => (adminPage ??= await login(stack.creds.admin));

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  [stack, browser] = await Promise.all([startDashboardStack(), chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function newContext() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10_000);
  // No internet here: refuse anything but the servers under test (bull-board links Google Fonts).
  await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
  return context;
}

const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });

async function login(credential: string): Promise<Page> {
  const page = await (await newContext()).newPage();
  await page.goto(`${stack.url}/dashboard`);
  await page.fill('#credential', credential);
  await Promise.all([page.waitForURL(`${stack.url}/dashboard`), page.click('button[type=submit]')]);
  await page.locator('#status', { hasText: 'Live' }).waitFor();
  return page;
}

describe('dashboard in Chromium', () => {
  it('refuses an anonymous visitor: login form, and 401 for the API, assets and bull-board', async () => {
    const page = await (await newContext()).newPage();
    await page.goto(`${stack.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    await expect(page.locator('#credential').isVisible()).resolves.toBe(true);
    expect(await page.locator('#queue').count()).toBe(0);
    const staticJs = fs.readdirSync('node_modules/@bull-board/ui/dist/static/js').find((f) => f.startsWith('main.') && f.endsWith('.js'))!;
    for (const path of ['/dashboard/api/overview', '/dashboard/api/threads', '/dashboard/assets/dashboard.js', '/dashboard/jobs/api/queues', `/dashboard/jobs/static/js/${staticJs}`, '/metrics']) {
      expect((await page.request.get(`${stack.url}${path}`)).status(), path).toBe(401);
    }
    await page.goto(`${stack.url}/dashboard/jobs`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    await page.fill('#credential', 'not-the-credential');
    await page.click('button[type=submit]');
    await page.locator('.error', { hasText: 'not valid' }).waitFor();
    await shot(page, '01-login-refused');
  });

  it('after logging in shows a job that was just processed, with charts', async () => {
    const page = await admin();
    const { alice, threadId } = await threadWithBot(stack, 'Orders', { languages: ['es'] });
    const posted = nextBotPost(stack, threadId);
    const msg = stack.backend.chat.sendMessage(alice, threadId, { content: 'Where is my order?', type: 'text' });
    await posted;
    const row = page.locator('#recent-jobs tr', { hasText: msg.id });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('posted');
    await page.locator('#chart-throughput rect.bar-ok').first().waitFor();
    await page.locator('#chart-latency circle.line-p50').first().waitFor();
    expect(Number(await page.locator('#count-completed .value').textContent())).toBeGreaterThanOrEqual(1);
    await shot(page, '02-processed-job');
  });

  it('retries a failed job from the page, and it then succeeds', async () => {
    const page = await admin();
    const { alice, threadId } = await threadWithBot(stack, 'Refunds', { languages: ['de'] });
    stack.provider.state.failing = true;
    const msg = stack.backend.chat.sendMessage(alice, threadId, { content: 'Please refund me', type: 'text' });
    const failedRow = page.locator('#failed-jobs tr', { hasText: msg.id });
    await failedRow.waitFor();
    await expect(failedRow.textContent()).resolves.toContain('the model refused');
    await shot(page, '03-failed-job');
    stack.provider.state.failing = false;
    const posted = nextBotPost(stack, threadId);
    await failedRow.getByRole('button', { name: 'Retry' }).click();
    expect(await posted).toBe('[de] [de] Please refund me');
    await page.locator('#recent-jobs tr', { hasText: msg.id }).waitFor();
    await failedRow.waitFor({ state: 'detached' });
    await shot(page, '04-failed-job-retried');
  });

  it("changes a thread's languages from the page, and the bot then translates into the new one", async () => {
    const page = await admin();
    const { alice, threadId } = await threadWithBot(stack, 'Travel', { languages: ['es'] });
    const row = page.locator(`tr[data-thread-id="${threadId}"]`);
    await row.waitFor();
    await row.locator('input[name=languages]').fill('fr, it');
    await row.getByRole('button', { name: 'Save' }).click();
    await page.locator('#status', { hasText: 'Thread settings saved.' }).waitFor();
    await eventually(async () => (await stack.bot.settings.get(threadId))?.languages.join() === 'fr,it');
    const posted = nextBotPost(stack, threadId);
    stack.backend.chat.sendMessage(alice, threadId, { content: 'See you at the station', type: 'text' });
    expect(await posted).toBe('[fr] [fr] See you at the station\n[it] [it] See you at the station');
    await expect(row.locator('input[name=languages]').inputValue()).resolves.toBe('fr, it');
    await shot(page, '05-thread-languages-changed');
  });

  it('adds the bot to a thread from the form', async () => {
    const page = await admin();
    const alice = stack.backend.identity.createUser();
    const { thread } = stack.backend.chat.createThread(alice, { topic: 'New customer', participants: [] });
    await page.fill('#add-thread input[name=threadId]', thread.id);
    await page.fill('#add-thread input[name=languages]', 'pt');
    await page.click('#add-thread button[type=submit]');
    await page.locator(`tr[data-thread-id="${thread.id}"]`).waitFor();
    const { participants } = stack.backend.chat.listParticipants(alice, thread.id, { limit: 50, skip: 0 });
    expect(participants.map((p) => p.userId)).toContain(stack.bot.botId);
    expect((await stack.bot.settings.get(thread.id))?.languages).toEqual(['pt']);
  });

  it('lists the thread with a negative message first in the priority view, escaping user text', async () => {
    const page = await admin();
    const calm = await threadWithBot(stack, 'Calm <i>customer</i>', { mode: 'analyze', analysis: 'none' });
    const angry = await threadWithBot(stack, 'Angry <script>window.pwned=1</script>', { mode: 'analyze', analysis: 'none' });
    stack.backend.chat.sendMessage(calm.alice, calm.threadId, { content: 'Thanks, all good', type: 'text' });
    stack.backend.chat.sendMessage(angry.alice, angry.threadId, { content: 'This is terrible, I am angry <img src=x onerror="window.pwned=2">', type: 'text' });
    await eventually(async () => (await stack.bot.sentiment.priority()).length >= 2);
    const first = page.locator('#priority-list > li').first();
    await page.locator('#priority-list > li', { hasText: 'Calm <i>customer</i>' }).waitFor();
    await page.locator('#priority-list > li', { hasText: 'Angry <script>' }).waitFor();
    await expect(first.getAttribute('data-thread-id')).resolves.toBe(angry.threadId);
    await expect(first.textContent()).resolves.toContain('This is terrible, I am angry <img src=x');
    await expect(first.textContent()).resolves.toContain('Angry <script>');
    expect(await page.locator('#priority-list img, #priority-list script, #priority-list i').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await shot(page, '06-priority');
  });

  it('gives the read-only credential a view without actions; its actions are refused (403)', async () => {
    const page = await login(stack.creds.read);
    await page.locator('tr[data-thread-id]').first().waitFor();
    expect(await page.locator('#pause').isVisible()).toBe(false);
    expect(await page.locator('tr[data-thread-id] button', { hasText: 'Save' }).count()).toBe(0);
    expect(await page.locator('tr[data-thread-id] input[name=languages]').first().isDisabled()).toBe(true);
    const status = await page.evaluate(async () => {
      const csrf = document.querySelector('meta[name="parley-csrf"]')!.getAttribute('content')!;
      const res = await fetch('/dashboard/api/queue/pause', { method: 'POST', headers: { 'content-type': 'application/json', 'x-parley-csrf': csrf }, body: '{}' });
      return res.status;
    });
    expect(status).toBe(403);
    expect(await stack.bot.queue.isPaused()).toBe(false);
    await shot(page, '07-read-only');
    await Promise.all([page.waitForURL(`${stack.url}/dashboard/login`), page.getByRole('button', { name: 'Log out' }).click()]);
    expect((await page.request.get(`${stack.url}/dashboard/api/overview`)).status()).toBe(401);
  });

  it('serves bull-board behind the same login', async () => {
    const page = await (await admin()).context().newPage();
    await page.goto(`${stack.url}/dashboard/jobs`);
    await page.getByText('parley messages').first().waitFor();
    await shot(page, '08-job-browser');
  });
});
