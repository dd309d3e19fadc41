import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getServices, redisKeyPrefix } from '@incentive/testing';
import { limitKey, type LimitRequest } from '@incentive/rules';
import type { Redis } from 'ioredis';
import { createRedisFactsStore } from './facts-store.js';
import { createKeyLayout } from './keys.js';
import { createRedisLimitStore } from './limit-store.js';
import { createRedisClient } from './redis-client.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T12:00:00Z');

function capRequest(i: number, customers: number): LimitRequest {
  const customerId = `c${i % customers}`;
  return {
    id: `r-${i}`,
    atMs: T0 + i,
    counters: [
      { scope: 'customer', key: limitKey('customer', 'cap-rule', 'lifetime', customerId), ruleId: 'cap-rule', max: 3, amount: 1, sinceMs: null },
      { scope: 'total', key: limitKey('total', 'cap-rule', 'lifetime', customerId), ruleId: 'cap-rule', max: 37, amount: 1, sinceMs: null },
    ],
  };
}

async function cleanup(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
}

describe('redis limit store', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  const newPrefix = () => {
    const p = redisKeyPrefix();
    prefixes.push(p);
    return p;
  };
  beforeAll(async () => {
    redis = createRedisClient({ url: getServices().redisUrl, name: 'limit-store-test' });
    await redis.connect();
  });
  afterAll(async () => {
    for (const p of prefixes) await cleanup(redis, p);
    await redis.quit();
  });

  it('200 concurrent cap reservations from two clients never grant more than the cap, and replays consume nothing', async () => {
    const other = createRedisClient({ url: getServices().redisUrl, name: 'limit-store-test-2' });
    await other.connect();
    try {
      const keyPrefix = newPrefix();
      const stores = [createRedisLimitStore({ redis, keyPrefix }), createRedisLimitStore({ redis: other, keyPrefix })];
      const requests = Array.from({ length: 200 }, (_, i) => capRequest(i, 50));
      const results = await Promise.all(requests.map((r, i) => stores[i % 2]!.reserve([r])));
      const granted = results.filter(([ok]) => ok).length;
      expect(granted).toBe(37);
      expect(await redis.zcard(`${keyPrefix}inc:${limitKey('total', 'cap-rule', 'lifetime', '')}`)).toBe(37);
      // Refused totals gave their per-customer reservation back: customer sets hold only granted ids.
      let perCustomer = 0;
      for (let c = 0; c < 50; c++) perCustomer += await redis.zcard(`${keyPrefix}inc:${limitKey('customer', 'cap-rule', 'lifetime', `c${c}`)}`);
      expect(perCustomer).toBe(37);
      const replay = await Promise.all(requests.map((r, i) => stores[(i + 1) % 2]!.reserve([r])));
      expect(replay.map(([ok]) => ok)).toEqual(results.map(([ok]) => ok));
      expect(await redis.zcard(`${keyPrefix}inc:${limitKey('total', 'cap-rule', 'lifetime', '')}`)).toBe(37);
    } finally {
      await other.quit();
    }
  });

  it('a per-customer sliding window counts only consumptions after its exclusive start; requests in one call are sequential', async () => {
    const blocked: string[] = [];
    const store = createRedisLimitStore({ redis, keyPrefix: newPrefix(), onBlocked: (rule, scope) => blocked.push(`${rule}:${scope}`) });
    const req = (id: string, atMs: number): LimitRequest => ({
      id,
      atMs,
      counters: [{ scope: 'customer', key: limitKey('customer', 'weekly', 'P7D', 'alice'), ruleId: 'weekly', max: 2, amount: 1, sinceMs: atMs - 7 * DAY }],
    });
    expect(await store.reserve([req('a', T0), req('b', T0 + DAY), req('c', T0 + 2 * DAY)])).toEqual([true, true, false]);
    expect(await store.reserve([req('d', T0 + 7 * DAY)])).toEqual([true]);
    expect(await store.reserve([req('e', T0 + 7 * DAY + 1)])).toEqual([false]);
    expect(blocked).toEqual(['weekly:customer', 'weekly:customer']);
  });

  it('a points budget sums amounts; a request over budget is refused and takes nothing in the customer slot', async () => {
    const keyPrefix = newPrefix();
    const store = createRedisLimitStore({ redis, keyPrefix });
    const req = (id: string, points: number): LimitRequest => ({
      id,
      atMs: T0,
      counters: [
        { scope: 'customer', key: limitKey('customer', 'promo', 'P1M', 'bob'), ruleId: 'promo', max: 10, amount: 1, sinceMs: T0 - 30 * DAY },
        { scope: 'budget', key: limitKey('budget', 'promo', 'P1M', 'bob'), ruleId: 'promo', max: 100, amount: points, sinceMs: T0 - 30 * DAY },
      ],
    });
    expect(await store.reserve([req('x', 60), req('y', 50), req('z', 40)])).toEqual([true, false, true]);
    expect(await redis.zcard(`${keyPrefix}inc:${limitKey('customer', 'promo', 'P1M', 'bob')}`)).toBe(2);
    expect(await store.reserve([req('y', 50)])).toEqual([false]);
  });

  it('refusals answered from memory match Redis (sliding windows, budgets) and a replay of a granted request is caught by verify', async () => {
    const keyPrefix = newPrefix();
    const store = createRedisLimitStore({ redis, keyPrefix });
    const calls: string[] = [];
    const counted = {
      evalsha: (...a: Parameters<Redis['evalsha']>) => {
        calls.push('evalsha');
        return redis.evalsha(...a);
      },
      eval: (...a: Parameters<Redis['eval']>) => {
        calls.push('eval');
        return redis.eval(...a);
      },
    };
    const memo = createRedisLimitStore({ redis: counted as unknown as Redis, keyPrefix });
    const weekly = (id: string, atMs: number): LimitRequest => ({
      id,
      atMs,
      counters: [{ scope: 'customer', key: limitKey('customer', 'weekly', 'P7D', 'carol'), ruleId: 'weekly', max: 1, amount: 1, sinceMs: atMs - 7 * DAY }],
    });
    const budget = (id: string, atMs: number, points: number): LimitRequest => ({
      id,
      atMs,
      counters: [{ scope: 'budget', key: limitKey('budget', 'pts', 'P1Y', 'carol'), ruleId: 'pts', max: 100, amount: points, sinceMs: atMs - 365 * DAY }],
    });
    // Another worker consumed the caps: 'w0' at T0; budget 60 at T0 and 30 at T0 + 1 day.
    expect(await store.reserve([weekly('w0', T0), budget('b0', T0, 60), budget('b1', T0 + DAY, 30)])).toEqual([true, true, true]);

    const scope = memo.scope();
    expect(await scope.store.reserve([weekly('w1', T0 + DAY)])).toEqual([false]);
    const asked = calls.length;
    // Same window refuses until the window start passes T0 (the only member): answered from memory.
    expect(await scope.store.reserve([weekly('w2', T0 + 2 * DAY)])).toEqual([false]);
    expect(calls.length).toBe(asked);
    // Window start T0 + 1 ms > T0: the member has left the window, Redis is asked and grants.
    expect(await scope.store.reserve([weekly('w3', T0 + 7 * DAY + 1)])).toEqual([true]);
    expect(calls.length).toBeGreaterThan(asked);

    // Budget: 90 used; 20 more refused. Dropping the 60 at T0 would make room, so memory holds only
    // while the window still starts before T0.
    expect(await scope.store.reserve([budget('b2', T0 + 2 * DAY, 20)])).toEqual([false]);
    const before = calls.length;
    expect(await scope.store.reserve([budget('b3', T0 + 3 * DAY, 20)])).toEqual([false]);
    expect(calls.length).toBe(before);
    expect(await scope.store.reserve([budget('b4', T0 + 365 * DAY + 1, 20)])).toEqual([true]);
    await scope.verify();

    // A redelivered request that an earlier run was granted ('b0', in the budget) must not be
    // refused from memory: verify fails (retryable) and the retry asks Redis, which grants it again.
    const replay = memo.scope();
    expect(await replay.store.reserve([budget('b5', T0 + 2 * DAY, 60)])).toEqual([false]);
    expect(await replay.store.reserve([budget('b0', T0 + 2 * DAY, 60)])).toEqual([false]);
    await expect(replay.verify()).rejects.toMatchObject({ name: 'RetryableError' });
    const retry = memo.scope();
    expect(await retry.store.reserve([budget('b0', T0 + 2 * DAY, 60)])).toEqual([true]);
    await retry.verify();
    expect(await redis.zcard(`${keyPrefix}inc:${limitKey('budget', 'pts', 'P1Y', 'carol')}`)).toBe(3);
  });

  it('the same replay is caught when the checks are folded into the facts commit (takeChecks)', async () => {
    const keyPrefix = newPrefix();
    const store = createRedisLimitStore({ redis, keyPrefix });
    const memo = createRedisLimitStore({ redis, keyPrefix });
    const keys = createKeyLayout(keyPrefix);
    const facts = createRedisFactsStore<{ n: number }>({ redis, keys, dedupeWindowMs: 60_000, decode: (j) => j as { n: number } });
    const budget = (id: string, atMs: number, points: number): LimitRequest => ({
      id,
      atMs,
      counters: [{ scope: 'budget', key: limitKey('budget', 'pts', 'P1Y', 'dan'), ruleId: 'pts', max: 100, amount: points, sinceMs: atMs - 365 * DAY }],
    });
    expect(await store.reserve([budget('b0', T0, 60), budget('b1', T0 + DAY, 30)])).toEqual([true, true]);

    // A redelivery: 'b0' was granted by an earlier run, but memory (from b5's refusal) refuses it.
    const replay = memo.scope();
    expect(await replay.store.reserve([budget('b5', T0 + 2 * DAY, 60)])).toEqual([false]);
    expect(await replay.store.reserve([budget('b0', T0 + 2 * DAY, 60)])).toEqual([false]);
    const checks = replay.takeChecks();
    expect(checks.map((c) => c.id)).toEqual(['b0']);
    expect(replay.takeChecks()).toEqual([]);
    await replay.verify(); // handed over: nothing left to check here
    const commit = (n: number, absent: typeof checks) => facts.commit([{ customerId: 'dan', expectedVersion: 0, state: { n }, applied: [], absent }]);
    expect(await commit(1, checks)).toMatchObject({ stale: [], granted: ['b0'] });
    expect(await redis.exists(keys.state('dan'))).toBe(0);
    expect(replay.granted(['b0'])).toMatchObject({ name: 'RetryableError' });

    // The retry asks Redis for 'b0' (granted again, nothing consumed twice) and commits.
    const retry = memo.scope();
    expect(await retry.store.reserve([budget('b0', T0 + 2 * DAY, 60)])).toEqual([true]);
    expect(retry.takeChecks()).toEqual([]);
    expect(await commit(2, [])).toMatchObject({ stale: [], granted: [] });
    expect(await redis.zcard(`${keyPrefix}inc:${limitKey('budget', 'pts', 'P1Y', 'dan')}`)).toBe(2);
  });
});
