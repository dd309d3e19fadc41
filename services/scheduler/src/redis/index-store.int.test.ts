import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { getServices, redisKeyPrefix } from '@incentive/testing';
import { createIndexStore } from './index-store.js';
import { bucketOf, createSchedulerKeys } from './keys.js';
import { createControlStore } from './control-store.js';

describe('Redis index and control stores (real Redis)', () => {
  let redis: Redis;
  const prefix = redisKeyPrefix();
  const keys = createSchedulerKeys(prefix);

  beforeAll(async () => {
    redis = new Redis(getServices().redisUrl, { lazyConnect: true });
    await redis.connect();
  });
  afterAll(async () => {
    const found = await redis.keys(`${prefix}*`);
    if (found.length > 0) await redis.del(...found);
    redis.disconnect();
  });

  const purchase = (eventId: string, customerId: string, at: string, minor: number, orderId = eventId) => ({
    kind: 'purchase' as const, eventId, customerId, at, ms: Date.parse(at), month: at.slice(0, 7), minor, orderId,
  });

  it('applies each event once, keeps the latest purchase, lowers the order month on refund', async () => {
    const store = createIndexStore(redis, keys, { appliedTtlMs: 60_000, keepMs: 3_600_000 });
    expect(await store.apply(purchase('e1', 'c1', '2026-01-31T10:00:00Z', 5000))).toBe('applied');
    expect(await store.apply(purchase('e1', 'c1', '2026-01-31T10:00:00Z', 5000))).toBe('duplicate');
    expect(await store.apply(purchase('e2', 'c1', '2026-02-01T10:00:00+01:00', 700))).toBe('applied');
    expect(await store.apply(purchase('e0', 'c1', '2026-01-20T10:00:00Z', 100))).toBe('applied'); // late, older
    // Refund in February of the January order lowers January.
    expect(await store.apply({ kind: 'refund', eventId: 'r1', customerId: 'c1', month: '2026-02', minor: 1500, orderId: 'e1' })).toBe('applied');
    expect(await store.apply({ kind: 'refund', eventId: 'r1', customerId: 'c1', month: '2026-02', minor: 1500, orderId: 'e1' })).toBe('duplicate');

    const all = await store.lastPurchasesIn({ minExclusive: 0, maxInclusive: Date.parse('2027-01-01T00:00:00Z') });
    expect(all.filter((x) => x.customerId === 'c1')).toEqual([{ customerId: 'c1', lastPurchaseAt: '2026-02-01T10:00:00+01:00' }]);
    expect(await store.leaderboardCandidates('2026-01', 10)).toEqual([{ customerId: 'c1', minor: 5000 + 100 - 1500 }]);
    expect(await store.leaderboardCandidates('2026-02', 10)).toEqual([{ customerId: 'c1', minor: 700 }]);
    // Everything for c1 lives in its bucket's hash tag.
    const b = bucketOf('c1');
    const own = await redis.keys(`${prefix}inc:{sched:${b}}:*`);
    expect(own.length).toBeGreaterThan(0);
  });

  it('moves a customer between birthday sets and keeps ties at the top-N cut as candidates', async () => {
    const store = createIndexStore(redis, keys, { appliedTtlMs: 60_000, keepMs: 3_600_000 });
    expect(await store.apply({ kind: 'birthday', eventId: 's1', customerId: 'bd', monthDay: '05-01' })).toBe('applied');
    expect(await store.apply({ kind: 'birthday', eventId: 's2', customerId: 'bd', monthDay: '05-01' })).toBe('unchanged');
    expect(await store.apply({ kind: 'birthday', eventId: 's3', customerId: 'bd', monthDay: '06-02' })).toBe('applied');
    expect(await store.birthdays(['05-01'])).toEqual([]);
    expect(await store.birthdays(['06-02'])).toEqual([{ customerId: 'bd', monthDay: '06-02' }]);

    // Many customers with equal spend: every tied one is a candidate, whichever bucket it is in.
    for (let i = 0; i < 40; i++) await store.apply(purchase(`t-${i}`, `tie-${i}`, '2026-04-10T10:00:00Z', 1000));
    const candidates = await store.leaderboardCandidates('2026-04', 2);
    expect(candidates).toHaveLength(40);
  });

  it('lease: one holder at a time, fencing tokens increase, fenced tick records', async () => {
    const control = createControlStore(redis, keys);
    const a = await control.acquire('a', 10_000);
    expect(a).toMatch(/^a\|\d+$/);
    expect(await control.acquire('b', 10_000)).toBeNull();
    expect(await control.acquire('a', 10_000)).toBe(a); // re-entrant extension
    expect(await control.initLastTick(a!, '2026-01-01')).toBe('2026-01-01');
    expect(await control.completeTick(a!, '2026-01-02', { n: 1 })).toBe('recorded');
    expect(await control.completeTick(a!, '2026-01-02', { n: 1 })).toBe('already');
    await redis.del(keys.lease()); // a pauses past its TTL
    const b = await control.acquire('b', 10_000);
    expect(Number(b!.split('|')[1])).toBeGreaterThan(Number(a!.split('|')[1]));
    expect(await control.renew(a!, 10_000)).toBe(false);
    expect(await control.completeTick(a!, '2026-01-03', {})).toBe('not_leader');
    expect(await control.completeTick(b!, '2026-01-03', {})).toBe('recorded');
    expect(await control.lastTick()).toBe('2026-01-03');
    await control.release(a!); // not a's any more: no effect
    expect(await control.acquire('c', 10_000)).toBeNull();
    await control.release(b!);
    expect(await control.acquire('c', 10_000)).not.toBeNull();
  });
});
