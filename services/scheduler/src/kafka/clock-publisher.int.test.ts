import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { IncentiveEvent } from '@incentive/events';
import { createTestTopic, getServices, uniqueGroupId, uniqueId, waitFor } from '@incentive/testing';
import { createClockPublisher, tickOfOffset, tickOffset } from './clock-publisher.js';

function birthday(customerId: string, year: number): IncentiveEvent {
  return { id: `clock:birthday:${customerId}:${year}`, type: 'birthday', customerId, occurredAt: `${year}-05-01T00:00:00+00:00`, source: 'scheduler', data: { monthDay: '05-01', year } };
}

describe('clock publisher (real Kafka)', () => {
  const kafka = new Kafka({ brokers: getServices().kafkaBrokers.split(','), clientId: 'sch-pub-test', logLevel: logLevel.NOTHING });
  const closers: (() => Promise<void>)[] = [];
  let admin: Admin;
  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    closers.push(() => admin.disconnect());
  });
  afterAll(async () => {
    for (const c of closers.reverse()) await c();
  });

  async function setup() {
    const topic = await createTestTopic(admin, { partitions: 2 });
    const progressTopic = await createTestTopic(admin, { prefix: 'progress' });
    const transactionalId = uniqueId('sch-tx');
    const make = () => createClockPublisher({ kafka, admin, topic, transactionalId, progressTopic, progressGroupId: `${transactionalId}.progress` });
    return { topic, make };
  }

  it('records the tick in the same transaction as its events; a tick without events records nothing', async () => {
    const { make } = await setup();
    const pub = make();
    closers.push(() => pub.disconnect());
    await pub.connect();
    expect(await pub.lastPublishedTick()).toBeNull();
    await pub.publish([birthday('c1', 2026)], '2026-05-01');
    expect(await pub.lastPublishedTick()).toBe('2026-05-01');
    await pub.publish([], '2026-05-02');
    expect(await pub.lastPublishedTick()).toBe('2026-05-01');
    expect(tickOfOffset(tickOffset('2010-12-01'))).toBe('2010-12-01');
  });

  it('a former leader is fenced: once a new leader connects with the same transactional id, the old one cannot publish', async () => {
    const { topic, make } = await setup();
    const old = make();
    const next = make();
    closers.push(() => old.disconnect(), () => next.disconnect());
    await old.connect();
    await old.publish([birthday('c1', 2026)], '2026-05-01');
    await next.connect(); // bumps the producer epoch
    const err = await old.publish([birthday('zombie', 2026)], '2026-05-02').then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/fenced|epoch/i);
    await next.publish([birthday('c2', 2026)], '2026-05-02');
    expect(await next.lastPublishedTick()).toBe('2026-05-02');

    const seen: string[] = [];
    const consumer = kafka.consumer({ groupId: uniqueGroupId() });
    closers.push(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push((JSON.parse(message.value!.toString()) as IncentiveEvent).id) });
    // Markers land after everything the zombie could have written on partitions 0 and 1.
    const plain = kafka.producer();
    closers.push(() => plain.disconnect());
    await plain.connect();
    await plain.send({ topic, messages: [0, 1].map((partition) => ({ partition, key: 'm', value: JSON.stringify({ id: `marker-${partition}` }) })) });
    await waitFor(() => seen.includes('marker-0') && seen.includes('marker-1'), { timeoutMs: 30_000 });
    expect(seen.filter((id) => id.startsWith('clock:')).sort()).toEqual(['clock:birthday:c1:2026', 'clock:birthday:c2:2026']);
  });
});
