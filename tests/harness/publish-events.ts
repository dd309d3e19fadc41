import type { Producer } from 'kafkajs';
import type { IncentiveEvent } from '@incentive/events';

export interface PublishOptions {
  /** Messages per acknowledged send (default 500). */
  batchSize?: number;
  /** Called after every acknowledged batch with the running total. */
  onProgress?: (published: number) => void;
}

/**
 * Publishes events in order, keyed by customer id (the product's partitioning), acks from all
 * replicas. One send per batch: an awaited send per message would make the demo measure the
 * publisher instead of the product.
 */
export async function publishEvents(
  producer: Pick<Producer, 'send'>,
  topic: string,
  events: readonly IncentiveEvent[],
  options: PublishOptions = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  let published = 0;
  for (let i = 0; i < events.length; i += batchSize) {
    const batch = events.slice(i, i + batchSize);
    await producer.send({
      topic,
      acks: -1,
      messages: batch.map((e) => ({ key: e.customerId, value: JSON.stringify(e) })),
    });
    published += batch.length;
    options.onProgress?.(published);
  }
  return published;
}
