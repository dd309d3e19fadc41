import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import type { IncentiveEvent } from '@incentive/events';
import { createTestTopic, getServices, uniqueGroupId, uniqueId, waitFor } from '@incentive/testing';
import { createClockPublisher } from './clock-publisher.js';

function birthday(customerId: string, year: number): IncentiveEvent {
  return { id: `clock:birthday:${customerId}:${year}`, type: 'birthday', customerId, occurredAt: `${year}-05-01T00:00:00+00:00`, source: 'scheduler', data: { monthDay: '05-01', year } };
}

describe('clock publisher (real Kafka)', () => {
  const kafka = new Kafka({ brokers: getServices().kafkaBrokers.split(','), clientId: 'sch-pub-test', logLevel: logLevel.NOTHING });
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of closers.reverse()) await c();
  });

  it('a former leader is fenced: once a new leader connects with the same transactional id, the old one cannot publish', async () => {
    const topic = await createTestTopic(getServices().kafkaBrokers, { partitions: 2 });
    const transactionalId = uniqueId('sch-tx');
    const old = createClockPublisher({ kafka, topic, transactionalId });
    const next = createClockPublisher({ kafka, topic, transactionalId });
    closers.push(() => old.disconnect(), () => next.disconnect());
    await old.connect();
    await old.publish([birthday('c1', 2026)]);
    await next.connect(); // bumps the producer epoch
    const err = await old.publish([birthday('zombie', 2026)]).then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/fenced|epoch/i);
    await next.publish([birthday('c2', 2026)]);

    const seen: string[] = [];
    const consumer = kafka.consumer({ groupId: uniqueGroupId() });
    closers.push(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push((JSON.parse(message.value!.toString()) as IncentiveEvent).id) });
    await waitFor(() => seen.includes('clock:birthday:c2:2026'), { timeoutMs: 30_000 });
    // The marker below lands after everything the zombie could have written on partition 0 and 1.
    const plain = kafka.producer();
    closers.push(() => plain.disconnect());
    await plain.connect();
    await plain.send({ topic, messages: [0, 1].map((partition) => ({ partition, key: 'm', value: JSON.stringify({ id: `marker-${partition}` }) })) });
    await waitFor(() => seen.includes('marker-0') && seen.includes('marker-1'), { timeoutMs: 30_000 });
    expect(seen.filter((id) => id.startsWith('clock:')).sort()).toEqual(['clock:birthday:c1:2026', 'clock:birthday:c2:2026']);
  });
});
