/**
 * Redis key layout of the scheduler. Index keys are sharded into BUCKETS hash-tag buckets
 * `{sched:<bucket>}` so one Lua script touches one Redis Cluster slot and the load spreads over the
 * cluster; control keys (lease, fencing counter, tick progress, leaderboard closes) share the tag
 * `{sched:ctl}` so the fenced writes are single-slot scripts too.
 */
export const BUCKETS = 16;

export interface SchedulerKeys {
  /** Sorted set: member customerId, score = epoch ms of the latest purchase. */
  lastPurchase(bucket: number): string;
  /** Hash: customerId -> lastPurchaseAt text exactly as in the purchase event (it is part of the inactivity id). */
  lastPurchaseAt(bucket: number): string;
  /** Set of customers whose birthday is `monthDay` (MM-DD). */
  birthdays(bucket: number, monthDay: string): string;
  /** Hash: customerId -> MM-DD, to move a customer when the birthday changes. */
  birthdayOf(bucket: number): string;
  /** Sorted set: member customerId, score = net spend in minor units in calendar month `month` (YYYY-MM). */
  leaderboard(bucket: number, month: string): string;
  /** String: YYYY-MM of an order, so a refund lowers the month the order counted in. */
  orderMonth(bucket: number, customerId: string, orderId: string): string;
  /**
   * Sorted set of points grants with an expiry date: member `<customerId>|<rewardId>|<points>`,
   * score = expiresAt epoch ms (customer ids cannot contain '|').
   */
  pointsExpiry(bucket: number): string;
  /** String with TTL: the event was applied to the indexes (redelivery is a no-op). */
  applied(bucket: number, eventId: string): string;
  /** String: `<instanceId>|<fencing token>` of the active scheduler, with a TTL. */
  lease(): string;
  /** Counter: fencing tokens, one per lease acquisition. */
  fence(): string;
  /** String: local date (YYYY-MM-DD) of the last completed day tick. */
  lastTick(): string;
  /** Hash: tick date -> JSON summary of the completed tick (audit, idempotency of re-runs). */
  ticks(): string;
}

export function createSchedulerKeys(prefix = ''): SchedulerKeys {
  if (/[{}]/.test(prefix)) throw new Error('redis key prefix: must not contain "{" or "}"');
  const b = (bucket: number) => `${prefix}inc:{sched:${bucket}}`;
  const ctl = `${prefix}inc:{sched:ctl}`;
  return {
    lastPurchase: (n) => `${b(n)}:lastPurchase`,
    lastPurchaseAt: (n) => `${b(n)}:lastPurchaseAt`,
    birthdays: (n, md) => `${b(n)}:bday:${md}`,
    birthdayOf: (n) => `${b(n)}:bdayOf`,
    leaderboard: (n, month) => `${b(n)}:lb:${month}`,
    orderMonth: (n, c, o) => `${b(n)}:order:${c}:${o}`,
    applied: (n, e) => `${b(n)}:applied:${e}`,
    pointsExpiry: (n) => `${b(n)}:pointsExpiry`,
    lease: () => `${ctl}:lease`,
    fence: () => `${ctl}:fence`,
    lastTick: () => `${ctl}:lastTick`,
    ticks: () => `${ctl}:ticks`,
  };
}

/** Stable bucket of a customer id (FNV-1a 32-bit): the same in every process and release. */
export function bucketOf(customerId: string, buckets = BUCKETS): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < customerId.length; i++) {
    h ^= customerId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % buckets;
}
