import type { Admin } from 'kafkajs';

/** High watermark per partition of the events topic at one instant. */
export type Watermarks = ReadonlyMap<number, number>;

export async function topicWatermarks(admin: Pick<Admin, 'fetchTopicOffsets'>, topic: string): Promise<Watermarks> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((p) => [p.partition, Number(p.high)]));
}

/**
 * Records up to `target` (a watermark snapshot) that the index consumer group has not committed
 * yet. Committed offsets pass transaction markers (kafkajs resolves control batches), so 0 means
 * every record present when the snapshot was taken is in the indexes, however busy the topic is
 * since. A partition without a commit is caught up only if it held nothing (any more).
 */
export async function indexLag(admin: Pick<Admin, 'fetchTopicOffsets' | 'fetchOffsets'>, topic: string, groupId: string, target: Watermarks): Promise<number> {
  const [offsets, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const low = new Map(offsets.map((p) => [p.partition, Number(p.low)]));
  const done = new Map<number, number>();
  for (const p of committed[0]?.partitions ?? []) done.set(p.partition, Number(p.offset));
  let lag = 0;
  for (const [partition, high] of target) {
    const c = done.get(partition) ?? -1;
    const from = c < 0 ? (low.get(partition) ?? 0) : c;
    lag += Math.max(0, high - from);
  }
  return lag;
}
