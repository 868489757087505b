import { afterAll, describe, expect, it } from 'vitest';
import { WorkerBudgetError, WorkerPool, WorkerPoolUnavailableError } from '../../../src/lib/worker-pool.js';

const spinWorker = new URL('../../support/spin-worker.mjs', import.meta.url);
const pools: WorkerPool[] = [];
const pool = (opts: { size?: number; budgetMs?: number }) => {
  const p = new WorkerPool({ filename: spinWorker, ...opts });
  pools.push(p);
  return p;
};
afterAll(() => Promise.all(pools.map((p) => p.close())));

describe('WorkerPool', () => {
  it('runs tasks on threads and answers each', async () => {
    const p = pool({ size: 2 });
    expect(await Promise.all([1, 2, 3, 4].map((value) => p.run({ value })))).toEqual([1, 2, 3, 4]);
    expect(p.threads).toBe(2);
    await expect(p.run({ fail: 'bad input' })).rejects.toThrow('bad input');
  });

  it('abandons a task past its budget (thread terminated and replaced) while the event loop stays free', async () => {
    const p = pool({ size: 1, budgetMs: 300 });
    await p.run({ value: 'warm' });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = performance.now();
    const err = await p.run({ spinMs: 60_000 }).catch((e: unknown) => e);
    const took = performance.now() - started;
    clearInterval(ticker);
    expect(err).toBeInstanceOf(WorkerBudgetError);
    expect((err as WorkerBudgetError).code).toBe('WORKER_BUDGET_EXCEEDED');
    // Abandoned at its budget, not after the 60 s it wanted; meanwhile this thread kept running timers.
    expect(took).toBeLessThan(10_000);
    expect(ticks).toBeGreaterThan(5);
    // A fresh thread takes the next task.
    expect(await p.run({ value: 'after' })).toBe('after');
  });

  it('counts the budget from when a task starts, not while it waits for a thread', async () => {
    const p = pool({ size: 1, budgetMs: 1500 });
    await p.run({ value: 'warm' });
    // Three tasks of 600 ms each on one thread: the last waits 1.2 s, yet each runs within budget.
    expect(await Promise.all([1, 2, 3].map((value) => p.run({ spinMs: 600, value })))).toEqual([1, 2, 3]);
  });

  it('refuses tasks once closed', async () => {
    const p = pool({});
    await p.close();
    await expect(p.run({ value: 1 })).rejects.toBeInstanceOf(WorkerPoolUnavailableError);
  });
});
