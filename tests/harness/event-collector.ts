import type { Consumer, Kafka } from 'kafkajs';

export interface EventIdCollector {
  /** Occurrences of each event id on the topic (a value above 1 is a duplicate publish). */
  readonly counts: Map<string, number>;
  /** occurredAt of each id (first occurrence). */
  readonly occurredAt: Map<string, string>;
  /** Ids seen, by event type. */
  byType(): Record<string, number>;
  total(): number;
  stop(): Promise<void>;
}

/**
 * Reads a topic from the beginning in its own consumer group and counts every id (only ids passing
 * `filter`, e.g. clock events). It reads committed transactions only (kafkajs' default), as the
 * services do.
 */
export async function collectEventIds(kafka: Kafka, topic: string, groupId: string, filter: (id: string) => boolean = () => true): Promise<EventIdCollector> {
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const counts = new Map<string, number>();
  const types = new Map<string, string>();
  const occurredAt = new Map<string, string>();
  let total = 0;
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (const m of batch.messages) {
        resolveOffset(m.offset);
        let parsed: { id?: unknown; type?: unknown; occurredAt?: unknown };
        try {
          parsed = JSON.parse(m.value?.toString('utf8') ?? 'null') as typeof parsed;
        } catch {
          continue;
        }
        if (typeof parsed?.id !== 'string' || !filter(parsed.id)) continue;
        total++;
        counts.set(parsed.id, (counts.get(parsed.id) ?? 0) + 1);
        types.set(parsed.id, String(parsed.type));
        if (!occurredAt.has(parsed.id)) occurredAt.set(parsed.id, String(parsed.occurredAt));
      }
      await heartbeat();
    },
  });
  return {
    counts,
    occurredAt,
    byType() {
      const out: Record<string, number> = {};
      for (const type of types.values()) out[type] = (out[type] ?? 0) + 1;
      return out;
    },
    total: () => total,
    stop: async () => {
      await consumer.disconnect();
    },
  };
}
