import type { Redis } from 'ioredis';
import type { IndexUpdate } from '../core/index-update.js';
import type { SpendEntry } from '../core/leaderboard.js';
import type { PointsGrant } from '../core/collect-tick.js';
import type { ScoreWindow } from '../core/tick-plan.js';
import { BUCKETS, bucketOf, type SchedulerKeys } from './keys.js';
import { APPLY_BIRTHDAY, APPLY_POINTS_GRANT, APPLY_PURCHASE, APPLY_REFUND } from './scripts.js';
import { scriptRunner } from './run-script.js';

export type ApplyOutcome = 'applied' | 'duplicate' | 'unchanged';

/** The due-customer indexes: what the consumer writes and what a tick reads. */
export interface IndexStore {
  apply(update: IndexUpdate): Promise<ApplyOutcome>;
  /** Customers whose birthday is one of `monthDays`. */
  birthdays(monthDays: readonly string[]): Promise<{ customerId: string; monthDay: string }[]>;
  /** Customers whose latest purchase lies in the window, with its text as indexed. */
  lastPurchasesIn(window: ScoreWindow): Promise<{ customerId: string; lastPurchaseAt: string }[]>;
  /** Every entry that can be in the month's top `topN` (the top of each bucket, ties included). */
  leaderboardCandidates(month: string, topN: number): Promise<SpendEntry[]>;
  /** Points grants whose expiresAt lies in the window. */
  pointsExpiringIn(window: ScoreWindow): Promise<PointsGrant[]>;
}

/** Parses a member `<customerId>|<rewardId>|<points>` of the expiry index. */
export function parseGrantMember(member: string, expiresMs: number): PointsGrant | null {
  const first = member.indexOf('|');
  const last = member.lastIndexOf('|');
  if (first <= 0 || last <= first) return null;
  const points = Number(member.slice(last + 1));
  if (!Number.isInteger(points)) return null;
  return { customerId: member.slice(0, first), rewardId: member.slice(first + 1, last), points, expiresMs };
}

export interface IndexStoreOptions {
  /** How long an applied event id is remembered (redelivery within it is a no-op). */
  appliedTtlMs: number;
  /** How long monthly spend and order months are kept (must cover the month plus late refunds). */
  keepMs: number;
}

const BUCKET_LIST = Array.from({ length: BUCKETS }, (_, i) => i);

export function createIndexStore(redis: Redis, keys: SchedulerKeys, options: IndexStoreOptions): IndexStore {
  const purchase = scriptRunner(redis, APPLY_PURCHASE);
  const refund = scriptRunner(redis, APPLY_REFUND);
  const birthday = scriptRunner(redis, APPLY_BIRTHDAY);
  const grant = scriptRunner(redis, APPLY_POINTS_GRANT);

  async function applyBirthday(b: number, customerId: string, monthDay: string): Promise<ApplyOutcome> {
    // Compare-and-set: a concurrent change (two consumers during a rebalance) makes us read again.
    for (let attempt = 0; attempt < 10; attempt++) {
      const old = (await redis.hget(keys.birthdayOf(b), customerId)) ?? '';
      const oldSet = old === '' ? keys.birthdays(b, monthDay) : keys.birthdays(b, old);
      const r = Number(await birthday([keys.birthdayOf(b), keys.birthdays(b, monthDay), oldSet], [customerId, monthDay, old]));
      if (r === 1) return 'applied';
      if (r === 0) return 'unchanged';
    }
    throw new Error(`birthday index: customer ${customerId} kept changing during the update`);
  }

  return {
    async apply(u) {
      const b = bucketOf(u.customerId);
      switch (u.kind) {
        case 'purchase': {
          const r = await purchase(
            [keys.applied(b, u.eventId), keys.lastPurchase(b), keys.lastPurchaseAt(b), keys.leaderboard(b, u.month), keys.orderMonth(b, u.customerId, u.orderId)],
            [options.appliedTtlMs, u.customerId, u.ms, u.at, u.minor, u.month, options.keepMs],
          );
          return Number(r) === 1 ? 'applied' : 'duplicate';
        }
        case 'refund': {
          const month = (await redis.get(keys.orderMonth(b, u.customerId, u.orderId))) ?? u.month;
          const r = await refund([keys.applied(b, u.eventId), keys.leaderboard(b, month)], [options.appliedTtlMs, u.customerId, u.minor, options.keepMs]);
          return Number(r) === 1 ? 'applied' : 'duplicate';
        }
        case 'birthday':
          return applyBirthday(b, u.customerId, u.monthDay);
        case 'pointsGrant': {
          const r = await grant([keys.pointsExpiry(b)], [`${u.customerId}|${u.eventId}|${u.points}`, u.expiresMs, options.keepMs]);
          return Number(r) === 1 ? 'applied' : 'duplicate';
        }
      }
    },

    async pointsExpiringIn(window) {
      const perBucket = await Promise.all(
        BUCKET_LIST.map(async (b) => {
          const flat = await redis.zrangebyscore(keys.pointsExpiry(b), `(${window.minExclusive}`, String(window.maxInclusive), 'WITHSCORES');
          const out: PointsGrant[] = [];
          for (let i = 0; i + 1 < flat.length; i += 2) {
            const g = parseGrantMember(flat[i] as string, Number(flat[i + 1]));
            if (g) out.push(g);
          }
          return out;
        }),
      );
      return perBucket.flat();
    },

    async birthdays(monthDays) {
      const out: { customerId: string; monthDay: string }[] = [];
      for (const monthDay of monthDays) {
        const lists = await Promise.all(BUCKET_LIST.map((b) => redis.smembers(keys.birthdays(b, monthDay))));
        for (const list of lists) for (const customerId of list) out.push({ customerId, monthDay });
      }
      return out;
    },

    async lastPurchasesIn(window) {
      const perBucket = await Promise.all(
        BUCKET_LIST.map(async (b) => {
          const ids = await redis.zrangebyscore(keys.lastPurchase(b), `(${window.minExclusive}`, String(window.maxInclusive));
          if (ids.length === 0) return [];
          const ats = await redis.hmget(keys.lastPurchaseAt(b), ...ids);
          return ids.flatMap((customerId, i) => {
            const lastPurchaseAt = ats[i];
            return lastPurchaseAt ? [{ customerId, lastPurchaseAt }] : [];
          });
        }),
      );
      return perBucket.flat();
    },

    async leaderboardCandidates(month, topN) {
      const perBucket = await Promise.all(
        BUCKET_LIST.map(async (b) => {
          const key = keys.leaderboard(b, month);
          const top = await redis.zrevrange(key, topN - 1, topN - 1, 'WITHSCORES');
          // Everything scoring at least the bucket's N-th score: ties at the cut stay candidates.
          const flat = top.length === 0 ? await redis.zrange(key, 0, -1, 'WITHSCORES') : await redis.zrangebyscore(key, top[1] as string, '+inf', 'WITHSCORES');
          const entries: SpendEntry[] = [];
          for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ customerId: flat[i] as string, minor: Math.round(Number(flat[i + 1])) });
          return entries;
        }),
      );
      return perBucket.flat();
    },
  };
}
