import { describe, expect, it } from 'vitest';
import type { Reward } from '@incentive/events';
import {
  byId,
  collectRewards,
  connectProducer,
  produceEvents,
  purchase,
  setUpTestEnv,
  signup,
  startWorker,
  useCleanups,
  waitFor,
} from './harness.js';

const cleanups = useCleanups();

const setup = () => setUpTestEnv(cleanups, { partitions: 2 });

describe('rules worker: duplicates', () => {
  it('the same records delivered twice (group offsets rewound) yield each reward once', async () => {
    const env = await setup();
    const rewards = await collectRewards(env);
    cleanups.push(() => rewards.stop());
    const producer = await connectProducer(env);
    cleanups.push(() => producer.disconnect());
    await produceEvents(producer, env.topics.events, [signup('s1', 'alice', 0), purchase('p1', 'alice', 5, 42.5), purchase('p2', 'bob', 6, 10)]);

    let w = await startWorker(env);
    await waitFor(() => rewards.items.length >= 3, { timeoutMs: 60_000, message: 'three rewards' });
    await w.stop();

    // Rewind the group to the start: every record is delivered to the worker a second time.
    const admin = env.kafka.admin();
    await admin.connect();
    for (let p = 0; p < 2; p++) await admin.setOffsets({ groupId: env.groupId, topic: env.topics.events, partitions: [{ partition: p, offset: '0' }] });
    await admin.disconnect();

    w = await startWorker(env);
    cleanups.push(() => w.stop());
    // A marker event after the replayed ones: once its reward is out, the replay is over.
    await produceEvents(producer, env.topics.events, [purchase('p3', 'bob', 7, 1)]);
    await waitFor(() => rewards.items.some((r) => r.sourceEventId === 'p3'), { timeoutMs: 60_000, message: 'reward of the marker event' });
    const duplicates = (await w.worker.metrics.eventsProcessed.get()).values.find((v) => v.labels.outcome === 'duplicate')?.value;
    expect(duplicates).toBe(3);

    const ids = byId(rewards.items);
    expect(rewards.items).toHaveLength(4);
    expect([...ids.keys()]).toHaveLength(4);
    const points = rewards.items.filter((r): r is Extract<Reward, { kind: 'points' }> => r.kind === 'points');
    expect(points.map((r) => [r.sourceEventId, r.points]).sort()).toEqual([['p1', 42], ['p2', 10], ['p3', 1]]);
  });

  it('one event id published twice yields one reward, the repeats count as duplicates', async () => {
    const env = await setup();
    const rewards = await collectRewards(env);
    cleanups.push(() => rewards.stop());
    const producer = await connectProducer(env);
    cleanups.push(() => producer.disconnect());
    const w = await startWorker(env);
    cleanups.push(() => w.stop());

    const e = purchase('dup-1', 'carol', 0, 20);
    await produceEvents(producer, env.topics.events, [e]);
    await waitFor(() => rewards.items.length >= 1, { timeoutMs: 60_000, message: 'first reward' });
    // Same id again, later and also within one batch, then a marker.
    await produceEvents(producer, env.topics.events, [e, { ...e, data: { ...e.data, amount: 99 } }, purchase('after', 'carol', 1, 3)]);
    await waitFor(() => rewards.items.some((r) => r.sourceEventId === 'after'), { timeoutMs: 60_000, message: 'marker reward' });

    expect(rewards.items.map((r) => r.sourceEventId)).toEqual(['dup-1', 'after']);
    const duplicates = (await w.worker.metrics.eventsProcessed.get()).values.find((v) => v.labels.outcome === 'duplicate')?.value;
    expect(duplicates).toBe(2);
    // The facts counted the order once.
    const state = await w.redis.hget(`${env.redisPrefix}inc:{c:carol}:state`, 's');
    expect(JSON.parse(state!)).toMatchObject({ customerId: 'carol', orders: 2, totalMinor: 2300 });
  });
});
