import type { Kafka, Producer } from 'kafkajs';
import type { IncentiveEvent } from '@incentive/events';
import { RetryableError } from '@incentive/platform';

const SEND_CHUNK = 500;

/**
 * Publishes one tick's clock events atomically (one Kafka transaction), keyed by customer.
 * Every instance uses the same transactional id: connecting (InitProducerId) bumps the producer
 * epoch, so a paused former leader can no longer commit, and its open transaction is aborted
 * (read_committed consumers, kafkajs' default, never see it).
 */
export function createClockPublisher(deps: { kafka: Pick<Kafka, 'producer'>; topic: string; transactionalId: string }) {
  let producer: Producer | undefined;
  return {
    async connect(): Promise<void> {
      if (producer) return;
      const p = deps.kafka.producer({ transactionalId: deps.transactionalId, idempotent: true, maxInFlightRequests: 1 });
      await p.connect();
      // kafkajs runs InitProducerId for the transactional id lazily, at the first transaction():
      // open and abort an empty one now, so that connecting is what fences a former leader.
      const fence = await p.transaction();
      await fence.abort();
      producer = p;
    },
    async publish(events: readonly IncentiveEvent[]): Promise<void> {
      const p = producer;
      if (!p) throw new RetryableError('clock publisher: not connected');
      if (events.length === 0) return;
      const tx = await p.transaction();
      try {
        for (let i = 0; i < events.length; i += SEND_CHUNK) {
          const messages = events.slice(i, i + SEND_CHUNK).map((e) => ({
            key: e.customerId,
            value: JSON.stringify(e),
            headers: { 'x-event-id': e.id, 'x-event-type': e.type },
          }));
          await tx.send({ topic: deps.topic, acks: -1, messages });
        }
        await tx.commit();
      } catch (err) {
        await tx.abort().catch(() => undefined);
        throw err;
      }
    },
    async disconnect(): Promise<void> {
      const p = producer;
      producer = undefined;
      if (p) await p.disconnect();
    },
    isConnected: () => producer !== undefined,
  };
}

export type ClockPublisher = ReturnType<typeof createClockPublisher>;
