import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectUser } from '../../support/realtime-client.js';
import { eventually, nextBotPost, startDashboardStack, threadWithBot, type DashboardStack } from '../../support/dashboard-stack.js';

let stack: DashboardStack;
beforeAll(async () => {
  stack = await startDashboardStack();
});
afterAll(() => stack?.close());

/** Parses Prometheus text exposition into `name{labels}` → value. */
function parseExposition(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{.*\})?\s+(\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    out.set(`${m[1]}${(m[2] ?? '').replace(/,\s+/g, ',')}`, Number(m[3]));
  }
  return out;
}

async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(`${stack.url}/metrics`, { headers: { authorization: `Bearer ${stack.creds.read}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

it('/metrics counts what happened: jobs, failures, model calls, cache, latency, queue depth, WebSockets, HTTP', async () => {
  const { alice, threadId } = await threadWithBot(stack, 'metrics', { languages: ['es', 'fr'] });
  const texts = ['Good morning team', 'The build is green', 'Good morning team', 'Lunch at noon?'];
  for (const content of texts) {
    const posted = nextBotPost(stack, threadId);
    stack.backend.chat.sendMessage(alice, threadId, { content, type: 'text' });
    await posted;
  }
  stack.provider.state.failing = true;
  const failing = stack.backend.chat.sendMessage(alice, threadId, { content: 'This one fails', type: 'text' });
  await eventually(async () => (await stack.bot.queue.getJobCounts('failed')).failed === 1);
  stack.provider.state.failing = false;
  const viewer = await connectUser(stack.backend, alice);
  for (let i = 0; i < 3; i++) {
    expect((await fetch(`${stack.url}/dashboard/api/overview`, { headers: { authorization: `Bearer ${stack.creds.admin}` } })).status).toBe(200);
  }
  expect((await fetch(`${stack.url}/dashboard/api/threads`)).status).toBe(401);

  // The worker's counters land in Redis just after the post; wait until the last job is counted.
  await eventually(async () => (await stack.bot.stats.counters()).failed === 1 && (await stack.bot.stats.counters()).processed === 4);
  const m = await scrape();
  const redis = await stack.bot.stats.counters();
  expect(m.get('parley_jobs_processed_total')).toBe(4);
  expect(m.get('parley_jobs_failed_total')).toBe(1);
  expect(m.get('parley_bot_posts_total')).toBe(4);
  expect(m.get('parley_model_calls_total')).toBe(3); // the repeated text came from the cache
  expect(m.get('parley_translation_cache_hits_total')).toBe(2); // both languages of the repeat
  expect(m.get('parley_end_to_end_latency_seconds_count')).toBe(4);
  expect(m.get('parley_job_processing_duration_seconds_count')).toBe(4);
  expect(m.get('parley_model_call_duration_seconds_count')).toBe(3);
  // Every counter agrees with the bot's shared counters in Redis (this stack's prefix is its own).
  expect({
    processed: m.get('parley_jobs_processed_total'),
    failed: m.get('parley_jobs_failed_total'),
    posted: m.get('parley_bot_posts_total'),
    modelCalls: m.get('parley_model_calls_total'),
    modelCharacters: m.get('parley_model_characters_total'),
    cacheHits: m.get('parley_translation_cache_hits_total'),
    cacheMisses: m.get('parley_translation_cache_misses_total'),
  }).toEqual({
    processed: redis.processed,
    failed: redis.failed,
    posted: redis.posted,
    modelCalls: redis.modelCalls,
    modelCharacters: redis.modelCharacters,
    cacheHits: redis.cacheHits,
    cacheMisses: redis.cacheMisses,
  });
  expect(m.get('parley_model_characters_total')).toBe(['Good morning team', 'The build is green', 'Lunch at noon?'].join('').length);

  // Four messages and the bot's greeting when it joined.
  expect(m.get('parley_queue_jobs{state="completed"}')).toBe(5);
  expect(m.get('parley_queue_jobs{state="failed"}')).toBe(1);
  expect(m.get('parley_queue_jobs{state="waiting"}')).toBe(0);
  expect(m.get('bullmq_job_count{queue="messages",state="completed"}')).toBe(5);
  expect(m.get('bullmq_job_completed_total{queue="messages"}')).toBe(5);

  expect(m.get('parley_websocket_connections')).toBe(2); // the bot and alice's viewer
  expect(m.get('parley_http_request_duration_seconds_count{method="GET",route="/dashboard/api/overview",status_code="200"}')).toBe(3);
  expect(m.get('parley_http_request_duration_seconds_count{method="GET",route="/dashboard/api/threads",status_code="401"}')).toBe(1);
  expect(m.get('parley_process_cpu_user_seconds_total')).toBeGreaterThan(0);

  // The dashboard's own numbers agree.
  const overview = await (await fetch(`${stack.url}/dashboard/api/overview`, { headers: { authorization: `Bearer ${stack.creds.read}` } })).json();
  expect(overview.snapshot.counts).toMatchObject({ completed: 5, failed: 1 });
  expect(overview.snapshot.throughput.at(-1).completed + overview.snapshot.throughput.at(-2).completed).toBe(5);
  expect(overview.snapshot.latency.e2e.count).toBe(4);
  expect(overview.snapshot.model).toMatchObject({ calls: 3, cacheHits: 2 });
  expect(overview.failed).toEqual([expect.objectContaining({ messageId: failing.id, failedReason: expect.stringContaining('refused') })]);

  viewer.ws.close();
  await viewer.closed;
  await eventually(async () => (await scrape()).get('parley_websocket_connections') === 1);
});
