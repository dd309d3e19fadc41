import { describe, expect, it } from 'vitest';
import type { LeaderboardClosedEvent } from '@incentive/events';
import {
  collectClockEvents,
  connectProducer,
  produce,
  purchase,
  refund,
  setUpTestEnv,
  startInProcess,
  useCleanups,
  waitFor,
} from './harness.js';
import { createSchedulerKeys } from '../src/redis/keys.js';

const cleanups = useCleanups();

describe('scheduler: monthly leaderboard (real Kafka and Redis)', () => {
  it('closes a month once, at the first tick of the next month, ranking net spend (refunds, redelivery) in the schedule zone', async () => {
    const env = await setUpTestEnv(cleanups, { LEADERBOARD_TOP_N: '3' });
    const collector = await collectClockEvents(env);
    cleanups.push(() => collector.stop());
    const producer = await connectProducer(env);
    cleanups.push(() => producer.disconnect());

    const eve = purchase('p-e', 'eve', '2026-02-14T10:00:00Z', 90);
    await produce(producer, env, [
      purchase('p-a', 'ann', '2026-02-03T10:00:00Z', 100),
      purchase('p-b', 'bob', '2026-02-04T10:00:00Z', 250),
      purchase('p-c1', 'cy', '2026-02-05T10:00:00Z', 80),
      purchase('p-c2', 'cy', '2026-02-06T10:00:00Z', 80.5),
      purchase('p-d', 'dan', '2026-02-07T10:00:00Z', 300),
      refund('r-d', 'dan', 'p-d', '2026-02-20T10:00:00Z', 200), // net 100: ties with ann, who sorts first
      refund('r-d', 'dan', 'p-d', '2026-02-20T10:00:00Z', 200), // redelivered refund: counted once
      eve,
      eve, // redelivered purchase: 90 once (180 would rank second)
      purchase('p-f', 'fay', '2026-03-01T00:30:00Z', 999), // March
      purchase('p-g', 'gus', '2026-01-31T23:59:00Z', 999), // January
    ]);

    const first = startInProcess(env, '2026-02-27T12:00:00Z');
    cleanups.push(() => first.stop());
    await first.service.start();
    const feb28 = await first.service.advanceTo(new Date('2026-02-28T01:00:00Z'));
    expect(feb28.ticks.map((t) => [t.date, t.leaderboard])).toEqual([['2026-02-28', 0]]);
    const mar1 = await first.service.advanceTo(new Date('2026-03-01T01:00:00Z'));
    expect(mar1.ticks.map((t) => [t.date, t.closedMonth, t.leaderboard])).toEqual([['2026-03-01', '2026-02', 3]]);
    // Asking again for the same time runs nothing.
    expect((await first.service.advanceTo(new Date('2026-03-01T02:00:00Z'))).ticks).toEqual([]);
    await first.stop();

    // A restarted instance continues with the next day and does not close February again.
    const second = startInProcess(env, '2026-03-02T01:00:00Z');
    cleanups.push(() => second.stop());
    await second.service.start();
    const keys = createSchedulerKeys(env.redisPrefix);
    await waitFor(async () => (await second.redis.get(keys.lastTick())) === '2026-03-02', { timeoutMs: 30_000, message: 'the 03-02 tick' });
    expect(JSON.parse((await second.redis.hget(keys.ticks(), '2026-03-02'))!)).toMatchObject({ date: '2026-03-02', leaderboard: 0, closedMonth: null });
    await second.stop();

    await collector.settle(producer);
    const closed = collector.events.filter((e): e is LeaderboardClosedEvent => e.type === 'leaderboard.closed');
    // Keyed by customer, so they arrive in partition order: compare by id.
    const got = closed.map((e) => ({ id: e.id, customerId: e.customerId, occurredAt: e.occurredAt, data: e.data })).sort((x, y) => x.id.localeCompare(y.id));
    expect(got).toEqual([
      { id: 'clock:leaderboard:2026-02:1', customerId: 'bob', occurredAt: '2026-03-01T00:00:00+00:00', data: { month: '2026-02', rank: 1, spend: 250 } },
      { id: 'clock:leaderboard:2026-02:2', customerId: 'cy', occurredAt: '2026-03-01T00:00:00+00:00', data: { month: '2026-02', rank: 2, spend: 160.5 } },
      { id: 'clock:leaderboard:2026-02:3', customerId: 'ann', occurredAt: '2026-03-01T00:00:00+00:00', data: { month: '2026-02', rank: 3, spend: 100 } },
    ]);
  });
});
