import type { Redis } from 'ioredis';
import { parseCustomerState } from '@incentive/facts';

export interface CustomerReport {
  customers: number;
  bySegment: Record<string, number>;
  byTier: Record<string, number>;
  /** Stored states that failed to parse (should be 0). */
  unreadable: number;
}

/**
 * Customers per segment and tier, from the rules worker's own state in Redis (`<prefix>inc:{c:<id>}:state`,
 * field `s`): the facts the rules saw after each customer's latest event. SCAN, not KEYS, so a big
 * keyspace is not blocked; states are read in pipelined batches.
 */
export async function customerReport(redis: Redis, keyPrefix: string): Promise<CustomerReport> {
  const report: CustomerReport = { customers: 0, bySegment: {}, byTier: {}, unreadable: 0 };
  const pattern = `${keyPrefix.replace(/[*?[\]\\]/g, '\\$&')}inc:{c:*}:state`;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.hget(key, 's');
    const results = (await pipeline.exec()) ?? [];
    for (const [err, raw] of results) {
      if (err || typeof raw !== 'string') {
        report.unreadable++;
        continue;
      }
      let state;
      try {
        state = parseCustomerState(JSON.parse(raw) as unknown);
      } catch {
        report.unreadable++;
        continue;
      }
      report.customers++;
      const tier = state.tier ?? 'none';
      report.bySegment[state.segment] = (report.bySegment[state.segment] ?? 0) + 1;
      report.byTier[tier] = (report.byTier[tier] ?? 0) + 1;
    }
  } while (cursor !== '0');
  return report;
}
