import { describe, expect, it } from 'vitest';
import type { IncentiveEvent } from '@incentive/events';
import {
  childPort,
  collectClockEvents,
  connectProducer,
  countById,
  produce,
  purchase,
  setUpTestEnv,
  signup,
  spawnScheduler,
  startInProcess,
  useCleanups,
  waitFor,
} from './harness.js';
import { createSchedulerKeys } from '../src/redis/keys.js';

const cleanups = useCleanups();

async function post(port: number, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function state(port: number): Promise<Record<string, unknown>> {
  return (await (await fetch(`http://127.0.0.1:${port}/state`)).json()) as Record<string, unknown>;
}

describe('scheduler: crash and catch-up (real Kafka, Redis, main.ts as a child process)', () => {
  it('killed and restarted across two missed days: each birthday/inactivity event exactly once on the topic; a re-run publishes nothing', async () => {
    const env = await setUpTestEnv(cleanups);
    const collector = await collectClockEvents(env);
    cleanups.push(() => collector.stop());
    const producer = await connectProducer(env);
    cleanups.push(() => producer.disconnect());

    // Shipped rules/schedule.json: UTC, thresholds 30/60/90.
    const upstream: IncentiveEvent[] = [
      signup('b1', '1990-03-03', '2026-01-10T10:00:00Z'),
      signup('b2', '--03-04', '2026-01-10T10:00:00Z'),
      signup('b3', '--03-05', '2026-01-10T10:00:00Z'),
      signup('leap', '2000-02-29', '2026-01-10T10:00:00Z'),
      purchase('p-i1', 'i1', '2026-01-31T08:00:00Z', 10), // +30 d = 03-02 08:00 -> tick 03-03
      purchase('p-i2', 'i2', '2026-02-01T20:00:00Z', 10), // -> tick 03-04
      purchase('p-i3', 'i3', '2026-02-02T10:00:00+01:00', 10), // 09:00Z -> tick 03-05
      purchase('p-i4a', 'i4', '2026-01-30T10:00:00Z', 10), // superseded by the next purchase
      purchase('p-i4b', 'i4', '2026-02-20T10:00:00Z', 10),
    ];
    await produce(producer, env, upstream);
    await produce(producer, env, [upstream[4]!]); // a redelivery changes nothing

    const first = spawnScheduler(env, { SCHEDULER_CLOCK: 'manual', SCHEDULER_CLOCK_START: '2026-03-01T12:00:00Z' });
    cleanups.push(() => {
      first.child.kill('SIGKILL');
    });
    const port1 = await childPort(first.output);
    const day2 = await post(port1, '/advance', { to: '2026-03-02T06:00:00Z' });
    expect(day2.status, first.output()).toBe(200);
    expect(day2.json).toMatchObject({ leader: true, lastTick: '2026-03-02' });
    expect((day2.json.ticks as { date: string; published: number }[]).map((t) => [t.date, t.published])).toEqual([['2026-03-02', 0]]);

    // Crash: no graceful release, the lease stays until its TTL runs out.
    first.child.kill('SIGKILL');
    await first.exited;

    // Restarted two days later: it catches up 03-03 and 03-04, in order, by itself.
    const second = spawnScheduler(env, { SCHEDULER_CLOCK: 'manual', SCHEDULER_CLOCK_START: '2026-03-04T06:00:00Z' });
    cleanups.push(() => {
      second.child.kill('SIGKILL');
    });
    const port2 = await childPort(second.output);
    await waitFor(async () => (await state(port2)).lastTickStored === '2026-03-04', { timeoutMs: 60_000, message: 'catch-up to 2026-03-04' });
    const day5 = await post(port2, '/advance', { to: '2026-03-05T06:00:00Z' });
    expect(day5.json).toMatchObject({ leader: true, lastTick: '2026-03-05' });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(143); // graceful: platform's shutdown exits 128 + SIGTERM

    // Running again at the same time publishes nothing.
    const third = spawnScheduler(env, { SCHEDULER_CLOCK: 'manual', SCHEDULER_CLOCK_START: '2026-03-05T07:00:00Z' });
    cleanups.push(() => {
      third.child.kill('SIGKILL');
    });
    const port3 = await childPort(third.output);
    const again = await post(port3, '/advance', { to: '2026-03-05T08:00:00Z' });
    expect(again.json).toMatchObject({ leader: true, ticks: [], lastTick: '2026-03-05' });
    third.child.kill('SIGTERM');
    await third.exited;

    await collector.settle(producer);
    expect(Object.fromEntries(countById(collector.events))).toEqual({
      'clock:birthday:b1:2026': 1,
      'clock:birthday:b2:2026': 1,
      'clock:birthday:b3:2026': 1,
      'clock:inactivity:i1:30:2026-01-31T08:00:00Z': 1,
      'clock:inactivity:i2:30:2026-02-01T20:00:00Z': 1,
      'clock:inactivity:i3:30:2026-02-02T10:00:00+01:00': 1,
    });
    const byId = new Map(collector.events.map((e) => [e.id, e]));
    expect(byId.get('clock:birthday:b2:2026')).toMatchObject({ customerId: 'b2', occurredAt: '2026-03-04T00:00:00+00:00', data: { monthDay: '03-04', year: 2026 } });
    expect(byId.get('clock:inactivity:i1:30:2026-01-31T08:00:00Z')).toMatchObject({ customerId: 'i1', occurredAt: '2026-03-03T00:00:00+00:00', data: { days: 30 } });
  });

  it('a crash after Kafka committed a tick but before Redis recorded it does not publish the tick again', async () => {
    const env = await setUpTestEnv(cleanups);
    const collector = await collectClockEvents(env);
    cleanups.push(() => collector.stop());
    const producer = await connectProducer(env);
    cleanups.push(() => producer.disconnect());
    await produce(producer, env, [signup('b1', '--03-02', '2026-01-10T10:00:00Z'), signup('b2', '--03-03', '2026-01-10T10:00:00Z')]);

    const first = startInProcess(env, '2026-03-01T12:00:00Z');
    cleanups.push(() => first.stop());
    await first.service.start();
    const r = await first.service.advanceTo(new Date('2026-03-02T01:00:00Z'));
    expect(r.ticks.map((t) => [t.date, t.birthday])).toEqual([['2026-03-02', 1]]);
    await first.stop();

    // The Redis write of the tick is lost, as if the process had died right after the Kafka commit.
    const keys = createSchedulerKeys(env.redisPrefix);
    const second = startInProcess(env, '2026-03-03T01:00:00Z');
    cleanups.push(() => second.stop());
    await second.redis.connect();
    await second.redis.set(keys.lastTick(), '2026-03-01');
    await second.redis.hdel(keys.ticks(), '2026-03-02');

    await second.service.start();
    await waitFor(async () => (await second.redis.get(keys.lastTick())) === '2026-03-03', { timeoutMs: 60_000, message: 'the 03-03 tick' });
    expect(JSON.parse((await second.redis.hget(keys.ticks(), '2026-03-02'))!)).toEqual({ date: '2026-03-02', recoveredFrom: 'kafka' });

    await collector.settle(producer);
    expect(Object.fromEntries(countById(collector.events))).toEqual({ 'clock:birthday:b1:2026': 1, 'clock:birthday:b2:2026': 1 });
  });
});
