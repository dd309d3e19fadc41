import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getServices, redisKeyPrefix } from '@incentive/testing';
import type { Redis } from 'ioredis';
import { createKeyLayout } from './keys.js';
import { createRedisLimitStore, type ReservationRequest } from './limit-store.js';
import { createRedisClient } from './redis-client.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T12:00:00Z');

describe('redis limit store', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = createRedisClient({ url: getServices().redisUrl, name: 'limit-store-test' });
    await redis.connect();
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('200 concurrent reservations against a total cap of 37 grant exactly 37, across two clients', async () => {
    const other = createRedisClient({ url: getServices().redisUrl, name: 'limit-store-test-2' });
    await other.connect();
    try {
      const keys = createKeyLayout(redisKeyPrefix());
      const stores = [createRedisLimitStore({ redis, keys }), createRedisLimitStore({ redis: other, keys })];
      const requests: ReservationRequest[] = Array.from({ length: 200 }, (_, i) => ({
        rewardId: `r-${i}`,
        ruleId: 'cap-rule',
        customerId: `c${i % 50}`,
        atMs: T0 + i,
        perCustomer: { count: 3, sinceMs: -Infinity },
        total: { count: 37, sinceMs: -Infinity },
      }));
      const results = await Promise.all(requests.map((r, i) => stores[i % 2]!.reserve([r])));
      const granted = results.filter(([ok]) => ok).length;
      expect(granted).toBe(37);
      expect(await redis.zcard(keys.ruleLimit('cap-rule'))).toBe(37);
      // Refused totals gave back their per-customer slot: the per-customer sets hold only granted ids.
      let perCustomer = 0;
      for (let c = 0; c < 50; c++) perCustomer += await redis.zcard(keys.customerLimit(`c${c}`, 'cap-rule'));
      expect(perCustomer).toBe(37);
      // Replaying every request changes nothing: idempotent per rewardId.
      const replay = await Promise.all(requests.map((r, i) => stores[i % 2]!.reserve([r])));
      expect(replay.map(([ok]) => ok)).toEqual(results.map(([ok]) => ok));
      expect(await redis.zcard(keys.ruleLimit('cap-rule'))).toBe(37);
    } finally {
      await other.quit();
    }
  });

  it('per-customer sliding window counts only rewards after the window start, sequentially within one call', async () => {
    const keys = createKeyLayout(redisKeyPrefix());
    const blocked: string[] = [];
    const store = createRedisLimitStore({ redis, keys, onBlocked: (rule, scope) => blocked.push(`${rule}:${scope}`) });
    const req = (id: string, atMs: number): ReservationRequest => ({
      rewardId: id,
      ruleId: 'weekly',
      customerId: 'alice',
      atMs,
      perCustomer: { count: 2, sinceMs: atMs - 7 * DAY },
    });
    expect(await store.reserve([req('a', T0), req('b', T0 + DAY), req('c', T0 + 2 * DAY)])).toEqual([true, true, false]);
    // Exactly 7 days after `a`: the window start is exclusive, so `a` no longer counts.
    expect(await store.reserve([req('d', T0 + 7 * DAY)])).toEqual([true]);
    expect(await store.reserve([req('e', T0 + 7 * DAY + 1)])).toEqual([false]);
    expect(blocked).toEqual(['weekly:perCustomer', 'weekly:perCustomer']);
  });
});
