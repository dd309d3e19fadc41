import type { Admin, Kafka, Producer } from 'kafkajs';
import type { IncentiveEvent } from '@incentive/events';
import type { TickRecords } from '../core/scheduler.js';
import { RetryableError } from '@incentive/platform';

const SEND_CHUNK = 500;
const DAY_MS = 86_400_000;

/** Tick date <-> the offset that records it (days since 1970-01-01; any offset value is accepted by the broker). */
export function tickOffset(date: string): string {
  return String(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}
export function tickOfOffset(offset: string): string | null {
  const n = Number(offset);
  return Number.isInteger(n) && n >= 0 ? new Date(n * DAY_MS).toISOString().slice(0, 10) : null;
}

export interface ClockPublisherDeps {
  kafka: Pick<Kafka, 'producer'>;
  admin: Pick<Admin, 'fetchOffsets'>;
  topic: string;
  /** Where points.expire requests go (fulfillment applies them in order with the customer's rewards). */
  rewardsTopic?: string;
  /** Where points.expiring notices go. */
  notificationsTopic?: string;
  transactionalId: string;
  /** One-partition topic whose committed offset, in group `progressGroupId`, records the last published tick. */
  progressTopic: string;
  progressGroupId: string;
}

/**
 * Publishes one tick's clock events atomically (one Kafka transaction), keyed by customer, and in
 * the same transaction commits the tick as an offset of a progress group: a tick is on the topic
 * if and only if its record is, so a crash between Kafka and Redis cannot make a tick run twice.
 *
 * Every instance uses the same transactional id: connecting runs InitProducerId, which bumps the
 * producer epoch, so a paused former leader can no longer commit, and a transaction a crashed
 * leader left open is aborted (read_committed consumers, kafkajs' default, never see it).
 */
export function createClockPublisher(deps: ClockPublisherDeps) {
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
    async publish(events: readonly IncentiveEvent[], tickDate: string, records?: TickRecords): Promise<void> {
      const p = producer;
      if (!p) throw new RetryableError('clock publisher: not connected');
      const requests = records?.expiryRequests ?? [];
      const notices = records?.expiryNotices ?? [];
      if ((requests.length > 0 && !deps.rewardsTopic) || (notices.length > 0 && !deps.notificationsTopic)) {
        throw new Error('clock publisher: expiry records without rewardsTopic/notificationsTopic');
      }
      // A tick without records needs no Kafka record: publishing it again would publish nothing.
      if (events.length === 0 && requests.length === 0 && notices.length === 0) return;
      const tx = await p.transaction();
      try {
        for (let i = 0; i < requests.length; i += SEND_CHUNK) {
          const messages = requests.slice(i, i + SEND_CHUNK).map((r) => ({ key: r.customerId, value: JSON.stringify(r), headers: { 'x-event-id': r.id, 'x-event-type': r.type } }));
          await tx.send({ topic: deps.rewardsTopic as string, acks: -1, messages });
        }
        for (let i = 0; i < notices.length; i += SEND_CHUNK) {
          const messages = notices.slice(i, i + SEND_CHUNK).map((n) => ({ key: n.customerId, value: JSON.stringify(n), headers: { 'x-event-id': n.rewardId ?? '', 'x-event-type': n.kind } }));
          await tx.send({ topic: deps.notificationsTopic as string, acks: -1, messages });
        }
        for (let i = 0; i < events.length; i += SEND_CHUNK) {
          const messages = events.slice(i, i + SEND_CHUNK).map((e) => ({
            key: e.customerId,
            value: JSON.stringify(e),
            headers: { 'x-event-id': e.id, 'x-event-type': e.type },
          }));
          await tx.send({ topic: deps.topic, acks: -1, messages });
        }
        await tx.sendOffsets({
          consumerGroupId: deps.progressGroupId,
          topics: [{ topic: deps.progressTopic, partitions: [{ partition: 0, offset: tickOffset(tickDate) }] }],
        });
        await tx.commit();
      } catch (err) {
        await tx.abort().catch(() => undefined);
        throw err;
      }
    },
    /** The last tick whose events were committed to Kafka, or null. */
    async lastPublishedTick(): Promise<string | null> {
      const [res] = await deps.admin.fetchOffsets({ groupId: deps.progressGroupId, topics: [deps.progressTopic] });
      const p0 = res?.partitions.find((p) => p.partition === 0);
      return p0 ? tickOfOffset(p0.offset) : null;
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
