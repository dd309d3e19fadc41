import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getServices, redisKeyPrefix } from '@incentive/testing';
import { limitKey, type LimitRequest } from '@incentive/rules';
import type { Redis } from 'ioredis';
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
});
