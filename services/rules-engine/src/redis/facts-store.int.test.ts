import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getServices, redisKeyPrefix } from '@incentive/testing';
import type { Redis } from 'ioredis';
import { createRedisFactsStore } from './facts-store.js';
import { createKeyLayout } from './keys.js';
import { createRedisClient } from './redis-client.js';

interface S {
  n: number;
}
const decode = (json: unknown): S => {
  if (typeof (json as S).n !== 'number') throw new Error('n: must be a number');
  return json as S;
};

describe('redis facts store', () => {
  let redis: Redis;
  const prefix = redisKeyPrefix();
  beforeAll(async () => {
    redis = createRedisClient({ url: getServices().redisUrl, name: 'facts-store-test' });
    await redis.connect();
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it.each(['chunk', 'customer'] as const)('commits state and applied records atomically, refuses a stale version, and a cached state is never served after another writer (script groups: %s)', async (scriptGroups) => {
    const keys = createKeyLayout(`${prefix}${scriptGroups}:`);
    const a = createRedisFactsStore<S>({ redis, keys, dedupeWindowMs: 60_000, decode, scriptGroups });
    const b = createRedisFactsStore<S>({ redis, keys, dedupeWindowMs: 60_000, decode, scriptGroups });
    const bucket = Math.floor(Date.now() / 60_000);
    const has = async (customerId: string, eventId: string) => (await redis.hexists(keys.applied(customerId, bucket), eventId)) + (await redis.hexists(keys.applied(customerId, bucket + 1), eventId));
    const outbox = [
      { topic: 'rewards' as const, key: 'zoe', value: '{"r":1,"m":"a \\"quoted\\" line\\nbreak"}' },
      { topic: 'events' as const, key: 'ann', value: '{"id":"d"}' },
    ];
    const commit = (store: typeof a, customerId: string, expectedVersion: number, state: S, applied: { eventId: string; origin: string; outbox: typeof outbox }[]) =>
      store.commit([{ customerId, expectedVersion, state, applied }]);
    const ok = { stale: [], granted: [] };
    expect(await commit(a, 'zoe', 0, { n: 1 }, [{ eventId: 'e1', origin: 't/0/5', outbox }])).toMatchObject(ok);
    // Stale writer: version moved from 0 to 1.
    expect(await commit(b, 'zoe', 0, { n: 99 }, [{ eventId: 'e9', origin: 't/0/9', outbox: [] }])).toMatchObject({ stale: ['zoe'], granted: [] });
    expect(await has('zoe', 'e9')).toBe(0);
    // Several customers in one call: with one of them stale, the chunk grouping writes none of them,
    // the per-customer grouping writes the others.
    const staleWithOthers = await b.commit([
      { customerId: 'ann', expectedVersion: 0, state: { n: 5 }, applied: [{ eventId: 'a1', origin: 't/0/10', outbox: [] }] },
      { customerId: 'zoe', expectedVersion: 0, state: { n: 98 }, applied: [] },
    ]);
    expect(staleWithOthers).toMatchObject({ stale: ['zoe'], granted: [] });
    expect(await redis.exists(keys.state('ann'))).toBe(scriptGroups === 'chunk' ? 0 : 1);

    const loadedByA = (await a.load([{ customerId: 'zoe', eventIds: ['e1', 'e2'] }])).get('zoe')!;
    expect(loadedByA).toMatchObject({ version: 1, state: { n: 1 } });
    const e1 = loadedByA.applied.get('e1')!;
    expect(e1).toEqual({ origin: 't/0/5', published: false, outbox, bucket: expect.any(Number) });
    expect(loadedByA.applied.has('e2')).toBe(false);
    // The record's bucket lives until the end of the next one: at least one window from now.
    const ttl = await redis.pttl(keys.applied('zoe', e1.bucket));
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(120_000);

    // B writes; A's cached copy (version 1) must not be served any more.
    const loadedByB = (await b.load([{ customerId: 'zoe', eventIds: [] }])).get('zoe')!;
    expect(await commit(b, 'zoe', loadedByB.version, { n: 2 }, [])).toMatchObject(ok);
    expect((await a.load([{ customerId: 'zoe', eventIds: [] }])).get('zoe')).toMatchObject({ version: 2, state: { n: 2 } });

    // Two customers in one load call; each gets its own records.
    await commit(a, 'bob', 0, { n: 7 }, [{ eventId: 'b1', origin: 't/1/1', outbox: [outbox[1]!] }]);
    const both = await a.load([{ customerId: 'bob', eventIds: ['b1', 'e1'] }, { customerId: 'zoe', eventIds: ['e1', 'b1'] }]);
    expect(both.get('bob')).toMatchObject({ version: 1, state: { n: 7 } });
    expect([...both.get('bob')!.applied.keys()]).toEqual(['b1']);
    expect(both.get('bob')!.applied.get('b1')!.outbox).toEqual([outbox[1]]);
    expect([...both.get('zoe')!.applied.keys()]).toEqual(['e1']);

    const b1 = both.get('bob')!.applied.get('b1')!;
    await a.markPublished([
      { customerId: 'zoe', eventId: 'e1', bucket: e1.bucket },
      { customerId: 'zoe', eventId: 'gone', bucket: e1.bucket },
      { customerId: 'zoe', eventId: 'gone', bucket: e1.bucket - 5 },
      { customerId: 'bob', eventId: 'b1', bucket: b1.bucket },
    ]);
    expect((await a.load([{ customerId: 'bob', eventIds: ['b1'] }])).get('bob')!.applied.get('b1')).toMatchObject({ published: true, outbox: [] });
    expect((await a.load([{ customerId: 'zoe', eventIds: ['e1'] }])).get('zoe')!.applied.get('e1')).toEqual({ origin: '', published: true, outbox: [], bucket: e1.bucket });
    // Marking never creates a record (an expired one, or an unknown id), nor a bucket.
    expect(await has('zoe', 'gone')).toBe(0);
    expect(await redis.exists(keys.applied('zoe', e1.bucket - 5))).toBe(0);
    expect(await a.knownCustomers(['zoe', 'nobody'])).toEqual(new Set(['zoe']));
  });

  it('checks absent sorted-set members in the commit itself: one present writes nothing and is reported', async () => {
    const keys = createKeyLayout(`${prefix}absent:`);
    const store = createRedisFactsStore<S>({ redis, keys, dedupeWindowMs: 60_000, decode });
    expect(store.checksAbsent).toBe(true);
    expect(createRedisFactsStore<S>({ redis, keys, dedupeWindowMs: 60_000, decode, scriptGroups: 'customer' }).checksAbsent).toBe(false);
    const counter = `${prefix}absent:inc:{c:kim}:limit:r1:P1Y`;
    const total = `${prefix}absent:inc:{r:r1}:limit:total:P1Y`;
    await redis.zadd(total, 5, 'req-granted|1');
    const absent = (id: string) => ({ id, keys: [counter, total], members: [`${id}|1`, `${id}|1`] });
    const write = (expectedVersion: number, n: number, checks: ReturnType<typeof absent>[]) =>
      store.commit([
        { customerId: 'kim', expectedVersion, state: { n }, applied: [{ eventId: `k${n}`, origin: `t/0/${n}`, outbox: [] }], absent: checks },
        { customerId: 'lou', expectedVersion, state: { n }, applied: [], absent: [absent('req-other')] },
      ]);
    // A member of the second check is present: nothing of either customer is written.
    expect(await write(0, 1, [absent('req-refused'), absent('req-granted')])).toMatchObject({ stale: [], granted: ['req-granted'] });
    const bucket = Math.floor(Date.now() / 60_000);
    expect(await redis.exists(keys.state('kim'), keys.state('lou'), keys.applied('kim', bucket), keys.applied('kim', bucket + 1))).toBe(0);
    // All absent: written.
    expect(await write(0, 2, [absent('req-refused')])).toMatchObject({ stale: [], granted: [] });
    expect((await store.load([{ customerId: 'kim', eventIds: ['k2'] }])).get('kim')).toMatchObject({ version: 1, state: { n: 2 } });
    // Stale and present together: both reported, nothing written.
    expect(await write(0, 3, [absent('req-granted')])).toMatchObject({ stale: ['kim', 'lou'], granted: ['req-granted'] });
    expect((await store.load([{ customerId: 'kim', eventIds: ['k3'] }])).get('kim')!.applied.has('k3')).toBe(false);
  });

  it('remembers an applied id for at least one dedupe window, also when the writer\'s clock is ahead, and forgets it after two', async () => {
    const W = 60_000;
    const keys = createKeyLayout(`${prefix}window:`);
    // Near the end of the current bucket (keys expire on Redis' clock: the test clock stays near it).
    const end = (Math.floor(Date.now() / W) + 1) * W;
    let t = end - 10_000;
    const reader = createRedisFactsStore<S>({ redis, keys, dedupeWindowMs: W, decode, now: () => t, cacheSize: 0 });
    // The writer's clock is 30 s ahead: it writes into the next bucket already.
    const writer = createRedisFactsStore<S>({ redis, keys, dedupeWindowMs: W, decode, now: () => t + 30_000, cacheSize: 0 });
    const outcome = await writer.commit([{ customerId: 'ida', expectedVersion: 0, state: { n: 1 }, applied: [{ eventId: 'i1', origin: 't/0/1', outbox: [] }] }]);
    expect(outcome.bucket).toBe(end / W);
    const seen = async () => (await reader.load([{ customerId: 'ida', eventIds: ['i1'] }])).get('ida')!.applied.has('i1');
    expect(await seen()).toBe(true);
    t = end + 30_000 + W - 1; // one window after the write, by the writer's clock
    expect(await seen()).toBe(true);
    t = end + 2 * W; // the record's bucket is two behind: no longer looked at (and its key expires then)
    expect(await seen()).toBe(false);
    expect(await redis.pttl(keys.applied('ida', end / W))).toBeGreaterThan(W);
  });

  it('reports an unreadable stored state instead of throwing', async () => {
    const keys = createKeyLayout(prefix);
    const store = createRedisFactsStore<S>({ redis, keys, dedupeWindowMs: 60_000, decode });
    await redis.hset(keys.state('yan'), 'v', '3', 's', '{"n":"x"}');
    const loaded = (await store.load([{ customerId: 'yan', eventIds: [] }])).get('yan')!;
    expect(loaded).toMatchObject({ version: 3, state: undefined, stateError: 'n: must be a number' });
  });
});
