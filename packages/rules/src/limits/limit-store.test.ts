import { describe, expect, it } from 'vitest';
import type { LimitCounter, LimitRequest } from './limit-store.js';
import { createMemoryLimitStore, limitKey } from './limit-store.js';

const DAY = 86_400_000;
const counter = (over: Partial<LimitCounter> = {}): LimitCounter => ({ scope: 'customer', key: 'k', ruleId: 'r', max: 2, amount: 1, sinceMs: null, ...over });
const req = (id: string, atMs: number, counters: LimitCounter[] = [counter()]): LimitRequest => ({ id, atMs, counters });

describe('createMemoryLimitStore', () => {
  it('grants up to the cap with sequential semantics inside one call', async () => {
    const store = createMemoryLimitStore();
    expect(await store.reserve([req('a', 1), req('b', 2), req('c', 3)])).toEqual([true, true, false]);
    expect(await store.reserve([req('d', 4)])).toEqual([false]);
    expect(store.used('k')).toBe(2);
  });

  it('is idempotent per id: a replay gets the same answer and consumes nothing', async () => {
    const store = createMemoryLimitStore();
    expect(await store.reserve([req('a', 1), req('a', 1)])).toEqual([true, true]);
    expect(store.used('k')).toBe(1);
    await store.reserve([req('b', 2), req('c', 3)]);
    expect(await store.reserve([req('c', 3), req('a', 1)])).toEqual([false, true]);
    expect(store.used('k')).toBe(2);
  });

  it('counts a sliding window: entries strictly after the start count', async () => {
    const store = createMemoryLimitStore();
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const w = (at: number) => counter({ max: 1, sinceMs: at - 30 * DAY });
    expect(await store.reserve([req('a', t0, [w(t0)])])).toEqual([true]);
    expect(await store.reserve([req('b', t0 + 29 * DAY, [w(t0 + 29 * DAY)])])).toEqual([false]);
    // Exactly 30 days later the first entry sits on the (exclusive) start: it no longer counts.
    expect(await store.reserve([req('c', t0 + 30 * DAY, [w(t0 + 30 * DAY)])])).toEqual([true]);
  });

  it('counts later entries too, so a late event cannot squeeze past a cap', async () => {
    const store = createMemoryLimitStore();
    const t0 = 10 * DAY;
    await store.reserve([req('late', t0, [counter({ max: 1, sinceMs: t0 - DAY })])]);
    expect(await store.reserve([req('early', t0 - 1000, [counter({ max: 1, sinceMs: t0 - 1000 - DAY })])])).toEqual([false]);
    expect(store.used('k', t0 - DAY)).toBe(1);
  });

  it('keeps out-of-order inserts in time order', async () => {
    const store = createMemoryLimitStore();
    await store.reserve([req('a', 300, [counter({ max: 10 })]), req('b', 100, [counter({ max: 10 })]), req('c', 200, [counter({ max: 10 })])]);
    expect([store.used('k', 0), store.used('k', 100), store.used('k', 200), store.used('k', 300)]).toEqual([3, 2, 1, 0]);
  });

  it('is all or nothing over a request\'s counters', async () => {
    const store = createMemoryLimitStore();
    const perCustomer = counter({ key: 'c', max: 5 });
    const total = counter({ key: 't', scope: 'total', max: 1 });
    expect(await store.reserve([req('a', 1, [perCustomer, total]), req('b', 2, [perCustomer, total])])).toEqual([true, false]);
    expect(store.used('c')).toBe(1);
    expect(store.used('t')).toBe(1);
  });

  it('sums amounts for a points budget', async () => {
    const store = createMemoryLimitStore();
    const budget = (amount: number) => counter({ key: 'b', scope: 'budget', max: 1000, amount });
    expect(await store.reserve([req('a', 1, [budget(600)]), req('b', 2, [budget(500)]), req('c', 3, [budget(400)])])).toEqual([true, false, true]);
    expect(store.used('b')).toBe(1000);
  });
});

describe('createMemoryLimitStore against a naive reference', () => {
  it('grants and sums exactly as a plain list of consumptions would, for random out-of-order requests', () => {
    let seed = 99;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const store = createMemoryLimitStore();
    const entries = new Map<string, { at: number; amount: number }[]>();
    const sum = (key: string, since: number | null) => (entries.get(key) ?? []).reduce((a, e) => a + (since === null || e.at > since ? e.amount : 0), 0);
    let granted = 0;
    for (let n = 0; n < 3000; n++) {
      // Mostly in time order, with late and equal times; narrow windows, rare lifetime counters.
      const atMs = (Math.floor(n / 3) + rand(30)) * DAY;
      const counters = Array.from({ length: 1 + rand(3) }, () =>
        counter({ key: `k${rand(10)}`, max: 3 + rand(10), amount: 1 + rand(3), sinceMs: rand(20) === 0 ? null : atMs - rand(40) * DAY }),
      );
      const expected = counters.every((c) => sum(c.key, c.sinceMs) + c.amount <= c.max);
      expect(store.reserveNow([req(`r${n}`, atMs, counters)])).toEqual([expected]);
      if (expected) {
        granted++;
        for (const c of counters) entries.set(c.key, [...(entries.get(c.key) ?? []), { at: atMs, amount: c.amount }]);
      }
      const key = `k${rand(10)}`;
      const since = rand(3) === 0 ? null : rand(1000) * DAY;
      expect(store.used(key, since)).toBe(sum(key, since));
    }
    expect(granted).toBeGreaterThan(100);
    expect(granted).toBeLessThan(2900);
  });
});

describe('limitKey', () => {
  it('puts customer counters under the customer hash tag and totals under the rule hash tag', () => {
    expect(limitKey('customer', 'welcome', 'lifetime', 'c-1')).toBe('{c:c-1}:limit:welcome:lifetime');
    expect(limitKey('total', 'welcome', 'P1M', 'c-1')).toBe('{r:welcome}:limit:total:P1M');
    expect(limitKey('budget', 'welcome', 'P1Y', 'c-1')).toBe('{r:welcome}:budget:P1Y');
  });
});
