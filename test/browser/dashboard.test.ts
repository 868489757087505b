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

/** Whether an element is wholly inside the viewport (visible where the person is looking). */
const inViewport = (locator: ReturnType<Page['locator']>) =>
  locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const inside = r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight + 1 && r.left >= 0 && r.right <= window.innerWidth + 1; // +1: sub-pixel scroll positions
    return inside || JSON.stringify({ top: r.top, bottom: r.bottom, left: r.left, right: r.right, h: window.innerHeight, w: window.innerWidth });
  });

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
    // Jobs are listed by the thread's topic and the start of the message, not by raw ids.
    const row = page.locator('#recent-jobs tr', { hasText: '“Where is my order?”' });
    await row.waitFor();
    await expect(row.getAttribute('data-job-id')).resolves.toContain(msg.id);
    await expect(row.locator('td').first().textContent()).resolves.toBe('Orders');
    await expect(row.textContent()).resolves.toContain('posted');
    // The chart shows the tiles' percentiles, and its legend names them.
    await expect(page.locator('#rate-e2e .label').textContent()).resolves.toMatch(/^end-to-end p50\/p90\/p99 · \d+ live$/);
    for (const p of ['p50', 'p90', 'p99']) await page.locator(`#chart-latency circle.line-${p}`).first().waitFor();
    await expect(page.locator('#latency-legend').textContent()).resolves.toMatch(/p50\s*p90\s*p99/);
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
    const failedRow = page.locator('#failed-jobs tr', { hasText: '“Please refund me”' });
    await failedRow.waitFor();
    await expect(failedRow.getAttribute('data-job-id')).resolves.toContain(msg.id);
    await expect(failedRow.textContent()).resolves.toContain('the model refused');
    await shot(page, '03-failed-job');
    stack.provider.state.failing = false;
    const posted = nextBotPost(stack, threadId);
    await failedRow.getByRole('button', { name: 'Retry' }).click();
    // The row leaves the failed list: the result is a toast, where the operator is looking.
    const toast = page.locator('#toasts .toast', { hasText: 'Job retried: “Please refund me”' });
    await toast.waitFor();
    await expect.poll(() => inViewport(toast), { timeout: 5000 }).toBe(true);
    expect(await posted).toBe('[de] [de] Please refund me');
    await page.locator('#recent-jobs tr', { hasText: '“Please refund me”' }).waitFor();
    await expect(page.locator('#recent-jobs tr', { hasText: '“Please refund me”' }).textContent()).resolves.toContain('retried by hand');
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
    // The result shows in the row that was saved, in the viewport.
    const note = row.locator('.note', { hasText: 'Saved: fr, it · translate' });
    await note.waitFor();
    await expect.poll(() => inViewport(note), { timeout: 5000 }).toBe(true);
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
    const note = page.locator('#add-thread .note', { hasText: 'Bot added' });
    await note.waitFor();
    await expect.poll(() => inViewport(note), { timeout: 5000 }).toBe(true);
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
    await expect(first.locator('.badge').textContent()).resolves.toBe('1 of 1 negative');
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

  it('serves bull-board behind the same login, read-only, without fetching anything from the internet', async () => {
    const page = await (await admin()).context().newPage();
    const offsite: string[] = [];
    page.on('request', (r) => void (new URL(r.url()).hostname !== '127.0.0.1' && offsite.push(r.url())));
    await page.goto(`${stack.url}/dashboard/jobs`);
    await page.getByText('parley messages').first().waitFor();
    await page.getByText('parley messages').first().click();
    await page.waitForLoadState('networkidle');
    expect(offsite).toEqual([]);
    // Even the admin gets no button that acts on the queue or its jobs here (the dashboard has them).
    for (const name of [/add job/i, /^retry/i, /^clean/i, /^pause/i, /^promote/i, /^empty/i, /obliterate/i]) {
      expect(await page.getByRole('button', { name }).count(), String(name)).toBe(0);
    }
    await shot(page, '08-job-browser');
  });

  it('shows the results of actions next to their control, in the viewport, errors included', async () => {
    const page = await admin();
    const { threadId } = await threadWithBot(stack, 'Feedback', { languages: ['es'] });
    const row = page.locator(`tr[data-thread-id="${threadId}"]`);
    await row.waitFor();
    await row.locator('input[name=languages]').fill('es, xx');
    await row.getByRole('button', { name: 'Save' }).click();
    const refused = row.locator('.note.error');
    await refused.waitFor();
    await expect(refused.textContent()).resolves.toMatch(/^Failed: .*xx/);
    await expect.poll(() => inViewport(refused), { timeout: 5000 }).toBe(true);
    expect((await stack.bot.settings.get(threadId))?.languages).toEqual(['es']);
    await shot(page, '09-feedback-in-row');
    // Queue-wide buttons answer next to themselves.
    await page.locator('#pause').scrollIntoViewIfNeeded();
    await page.click('#pause');
    const paused = page.locator('#queue .toolbar .note', { hasText: 'Queue paused' });
    await paused.waitFor();
    await expect.poll(() => inViewport(paused), { timeout: 5000 }).toBe(true);
    await page.click('#resume');
    await page.locator('#queue .toolbar .note', { hasText: 'Queue resumed' }).waitFor();
    expect(await stack.bot.queue.isPaused()).toBe(false);
    // Removing a thread takes its row away: a toast says so.
    await row.getByRole('button', { name: 'Remove' }).click();
    const toast = page.locator('#toasts .toast', { hasText: 'Bot removed from “Feedback”' });
    await toast.waitFor();
    await expect.poll(() => inViewport(toast), { timeout: 5000 }).toBe(true);
    await row.waitFor({ state: 'detached' });
  });

  it("opens a thread: its messages with translations and analyses, folded; an admin invites a person and gets the web chat link", async () => {
    const page = await admin();
    const { alice, threadId } = await threadWithBot(stack, 'Opened thread', { languages: ['es'], mode: 'both', analysis: 'all' });
    const posted = nextBotPost(stack, threadId, (t) => t.includes('I am very angry'));
    stack.backend.chat.sendMessage(alice, threadId, { content: 'I am very angry, this is terrible', type: 'text' });
    await posted;
    const row = page.locator(`tr[data-thread-id="${threadId}"]`);
    await row.getByRole('button', { name: 'Messages' }).click();
    const panel = page.locator(`[data-panel-for="${threadId}"]`);
    const msg = panel.locator('li.msg', { hasText: 'I am very angry, this is terrible' });
    await msg.waitFor();
    await expect(msg.locator('.langs').textContent()).resolves.toContain('es [es] I am very angry, this is terrible');
    await expect(msg.locator('.dot').textContent()).resolves.toBe('negative');
    // The bot's translation post is folded into its original, not a message of its own.
    expect(await panel.locator('li.msg', { hasText: '[es] I am very angry' }).count()).toBe(1);
    await shot(page, '10-thread-opened');

    await panel.locator('input[name=name]').fill('Bruno');
    await panel.locator('input[name=reads]').fill('es');
    await panel.getByRole('button', { name: 'Invite' }).click();
    const link = panel.locator('input.link');
    await link.waitFor();
    const href = await link.inputValue();
    expect(href).toMatch(new RegExp(`^${stack.backend.url.replace(/[.]/g, '\\.')}/#token=[^&]+&thread=${encodeURIComponent(threadId).replace(/[.]/g, '\\.')}&name=Bruno&reads=es$`));
    const note = panel.locator('.note', { hasText: 'Bruno was added to the thread.' });
    await note.waitFor();
    await expect.poll(() => inViewport(note), { timeout: 5000 }).toBe(true);
    const { participants } = stack.backend.chat.listParticipants(alice, threadId, { limit: 50, skip: 0 });
    const bruno = participants.find((p) => p.displayName === 'Bruno');
    expect(bruno).toBeDefined();
    expect((await stack.bot.settings.readers(threadId))[bruno!.userId]).toEqual(['es']);
    await shot(page, '11-invited');
  });

  it('has a favicon, on the login form too', async () => {
    const page = await (await newContext()).newPage();
    await page.goto(`${stack.url}/dashboard/login`);
    const href = await page.locator('link[rel=icon]').getAttribute('href');
    const icon = await page.request.get(`${stack.url}${href}`);
    expect([icon.status(), icon.headers()['content-type']]).toEqual([200, 'image/svg+xml']);
  });
});
