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

  it('commits state and applied records atomically, refuses a stale version, and a cached state is never served after another writer', async () => {
    const keys = createKeyLayout(prefix);
    const a = createRedisFactsStore<S>({ redis, keys, dedupeWindowMs: 60_000, decode });
    const b = createRedisFactsStore<S>({ redis, keys, dedupeWindowMs: 60_000, decode });
    const outbox = [{ topic: 'rewards' as const, key: 'zoe', value: '{"r":1}' }];
    expect(await a.commit('zoe', 0, { n: 1 }, [{ eventId: 'e1', origin: 't/0/5', outbox }])).toBe(true);
    // Stale writer: version moved from 0 to 1.
    expect(await b.commit('zoe', 0, { n: 99 }, [{ eventId: 'e9', origin: 't/0/9', outbox: [] }])).toBe(false);
    expect(await redis.exists(keys.applied('zoe', 'e9'))).toBe(0);

    const loadedByA = (await a.load([{ customerId: 'zoe', eventIds: ['e1', 'e2'] }])).get('zoe')!;
    expect(loadedByA).toMatchObject({ version: 1, state: { n: 1 } });
    expect(loadedByA.applied.get('e1')).toEqual({ origin: 't/0/5', published: false, outbox });
    expect(loadedByA.applied.has('e2')).toBe(false);
    const ttl = await redis.pttl(keys.applied('zoe', 'e1'));
    expect(ttl).toBeGreaterThan(50_000);

    // B writes; A's cached copy (version 1) must not be served any more.
    const loadedByB = (await b.load([{ customerId: 'zoe', eventIds: [] }])).get('zoe')!;
    expect(await b.commit('zoe', loadedByB.version, { n: 2 }, [])).toBe(true);
    expect((await a.load([{ customerId: 'zoe', eventIds: [] }])).get('zoe')).toMatchObject({ version: 2, state: { n: 2 } });

    await a.markPublished([{ customerId: 'zoe', eventId: 'e1' }, { customerId: 'zoe', eventId: 'gone' }]);
    expect((await a.load([{ customerId: 'zoe', eventIds: ['e1'] }])).get('zoe')!.applied.get('e1')).toEqual({ origin: 't/0/5', published: true, outbox: [] });
    // Marking never recreates an expired/unknown record.
    expect(await redis.exists(keys.applied('zoe', 'gone'))).toBe(0);
    expect(await a.knownCustomers(['zoe', 'nobody'])).toEqual(new Set(['zoe']));
  });

  it('reports an unreadable stored state instead of throwing', async () => {
    const keys = createKeyLayout(prefix);
    const store = createRedisFactsStore<S>({ redis, keys, dedupeWindowMs: 60_000, decode });
    await redis.hset(keys.state('yan'), 'v', '3', 's', '{"n":"x"}');
    const loaded = (await store.load([{ customerId: 'yan', eventIds: [] }])).get('yan')!;
    expect(loaded).toMatchObject({ version: 3, state: undefined, stateError: 'n: must be a number' });
  });
});
