import type { Admin } from 'kafkajs';

/**
 * Messages the index consumer group has not committed yet, summed over partitions. Committed
 * offsets pass transaction markers (kafkajs resolves control batches), so 0 means every record
 * present when this was called is in the indexes.
 */
export async function indexLag(admin: Pick<Admin, 'fetchTopicOffsets' | 'fetchOffsets'>, topic: string, groupId: string): Promise<number> {
  const [high, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const done = new Map<number, number>();
  for (const p of committed[0]?.partitions ?? []) done.set(p.partition, Number(p.offset));
  let lag = 0;
  for (const p of high) {
    const hi = Number(p.high);
    const c = done.get(p.partition) ?? -1;
    // No commit yet: caught up only if the partition holds nothing (any more).
    const from = c < 0 ? Number(p.low) : c;
    lag += Math.max(0, hi - from);
  }
  return lag;
}
