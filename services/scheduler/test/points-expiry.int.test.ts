import { describe, expect, it } from 'vitest';
import type { Consumer } from 'kafkajs';
import type { NotificationEvent, PointsExpireRequest, Reward } from '@incentive/events';
import { topicNames } from '@incentive/kafka';
import { uniqueId } from '@incentive/testing';
import { connectProducer, setUpTestEnv, startInProcess, type TestEnv, useCleanups, waitFor } from './harness.js';

const cleanups = useCleanups();

const grant = (rewardId: string, customerId: string, points: number, expiresAt?: string): Reward => ({
  rewardId,
  ruleId: 'rule-points',
  rulesetVersion: 'v1',
  customerId,
  sourceEventId: `ev-${rewardId}`,
  kind: 'points',
  points,
  issuedAt: '2026-01-06T10:00:00Z',
  ...(expiresAt ? { expiresAt } : {}),
});

/** Expiry requests on the rewards topic and notices on the notifications topic (read_committed). */
async function collect(env: TestEnv) {
  const names = topicNames(env.env.TOPIC_PREFIX);
  const consumer: Consumer = env.kafka.consumer({ groupId: uniqueId('sch-expiry-collect') });
  const requests: PointsExpireRequest[] = [];
  const notices: NotificationEvent[] = [];
  const markers = new Set<string>();
  await consumer.connect();
  await consumer.subscribe({ topics: [names.rewards, names.notifications], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const text = message.value?.toString() ?? '';
      if (text.startsWith('marker:')) return void markers.add(`${topic}:${text}`);
      const value = JSON.parse(text) as Record<string, unknown>;
      if (topic === names.rewards && value.type === 'points.expire') requests.push(value as unknown as PointsExpireRequest);
      if (topic === names.notifications) notices.push(value as unknown as NotificationEvent);
    },
  });
  let round = 0;
  return {
    requests,
    notices,
    /** Everything published before this call has been read once it returns. */
    async settle(producer: Awaited<ReturnType<typeof connectProducer>>) {
      round++;
      const wanted: string[] = [];
      for (const topic of [names.rewards, names.notifications]) {
        const messages = [0, 1, 2].map((partition) => ({ partition, key: 'marker', value: `marker:${round}:${partition}` }));
        await producer.send({ topic, acks: -1, messages });
        wanted.push(...messages.map((m) => `${topic}:${m.value}`));
      }
      await waitFor(() => wanted.every((m) => markers.has(m)), { timeoutMs: 60_000, message: 'markers on every partition' });
    },
    stop: () => consumer.disconnect(),
  };
}

describe('scheduler: points expiry (real Kafka and Redis)', () => {
  it('publishes one points.expire request per customer at the first tick at or after expiresAt, none before, and the notice once, noticeDays ahead', async () => {
    const env = await setUpTestEnv(cleanups, { POINTS_EXPIRY_NOTICE_DAYS: '3' });
    const names = topicNames(env.env.TOPIC_PREFIX);

    const first = startInProcess(env, '2027-01-01T12:00:00Z');
    cleanups.push(() => first.stop());
    await first.service.start(); // creates the rewards and notifications topics
    const collector = await collect(env);
    cleanups.push(() => collector.stop());
    const producer = await connectProducer(env);
    cleanups.push(() => producer.disconnect());

    const g1 = grant('g1', 'ann', 100, '2027-01-06T10:00:00Z');
    await producer.send({
      topic: names.rewards,
      acks: -1,
      messages: [
        g1,
        g1, // redelivered: indexed once
        grant('g2', 'ann', 50, '2027-01-06T20:00:00Z'), // same tick (01-07) as g1: one request for ann
        grant('g3', 'bob', 30, '2027-01-09T00:00:00Z'), // exactly at the 01-09 midnight: due at that tick
        grant('g4', 'cy', 10), // no expiry date: never indexed
      ].map((r) => ({ key: r.customerId, value: JSON.stringify(r) })),
    });

    const perTick: Record<string, [number, number]> = {};
    for (let day = 2; day <= 10; day++) {
      const res = await first.service.advanceTo(new Date(`2027-01-${String(day).padStart(2, '0')}T01:00:00Z`));
      for (const t of res.ticks) perTick[t.date] = [t.expiry, t.expiryNotice];
      // Asking again for the same time runs nothing.
      expect((await first.service.advanceTo(new Date(`2027-01-${String(day).padStart(2, '0')}T02:00:00Z`))).ticks).toEqual([]);
    }
    expect(perTick).toEqual({
      '2027-01-02': [0, 0],
      '2027-01-03': [0, 0],
      '2027-01-04': [0, 1], // ann's points expire at the 01-07 tick: told 3 days ahead
      '2027-01-05': [0, 0],
      '2027-01-06': [0, 1], // bob's, due at 01-09
      '2027-01-07': [1, 0],
      '2027-01-08': [0, 0],
      '2027-01-09': [1, 0],
      '2027-01-10': [0, 0],
    });
    await first.stop();

    // A restarted instance continues after the last tick: nothing is published again.
    const second = startInProcess(env, '2027-01-11T01:00:00Z');
    cleanups.push(() => second.stop());
    await second.service.start();
    expect((await second.service.advanceTo(new Date('2027-01-11T02:00:00Z'))).lastTick).toBe('2027-01-11');
    await second.stop();

    await collector.settle(producer);
    expect([...collector.requests].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { type: 'points.expire', id: 'clock:points-expire:ann:2027-01-07', customerId: 'ann', asOf: '2027-01-07T00:00:00+00:00' },
      { type: 'points.expire', id: 'clock:points-expire:bob:2027-01-09', customerId: 'bob', asOf: '2027-01-09T00:00:00+00:00' },
    ]);
    expect([...collector.notices].sort((a, b) => a.customerId.localeCompare(b.customerId))).toEqual([
      {
        customerId: 'ann',
        kind: 'points.expiring',
        template: 'points-expiring',
        payload: { points: 150, grants: 2, expiresOn: '2027-01-07', expiresAt: '2027-01-07T00:00:00+00:00', days: 3 },
        rewardId: 'clock:points-expiring:ann:2027-01-07',
      },
      {
        customerId: 'bob',
        kind: 'points.expiring',
        template: 'points-expiring',
        payload: { points: 30, grants: 1, expiresOn: '2027-01-09', expiresAt: '2027-01-09T00:00:00+00:00', days: 3 },
        rewardId: 'clock:points-expiring:bob:2027-01-09',
      },
    ]);
  });
});
