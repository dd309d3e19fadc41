// In-memory DueIndex for unit tests of the pure tick logic (the Redis store is tested against Redis).
import type { DueIndex } from '../src/core/collect-tick.js';
import type { IndexUpdate } from '../src/core/index-update.js';

export function createMemoryDueIndex(): DueIndex & { apply(u: IndexUpdate): void } {
  const last = new Map<string, { ms: number; at: string }>();
  const birthday = new Map<string, string>();
  const spend = new Map<string, Map<string, number>>();
  const grants = new Map<string, { customerId: string; rewardId: string; points: number; expiresMs: number }>();
  return {
    apply(u) {
      if (u.kind === 'purchase') {
        const cur = last.get(u.customerId);
        if (!cur || u.ms >= cur.ms) last.set(u.customerId, { ms: u.ms, at: u.at });
        const m = spend.get(u.month) ?? new Map<string, number>();
        spend.set(u.month, m);
        m.set(u.customerId, (m.get(u.customerId) ?? 0) + u.minor);
      } else if (u.kind === 'birthday') {
        birthday.set(u.customerId, u.monthDay);
      } else if (u.kind === 'pointsGrant') {
        grants.set(u.eventId, { customerId: u.customerId, rewardId: u.eventId, points: u.points, expiresMs: u.expiresMs });
      }
    },
    async birthdays(monthDays) {
      return [...birthday].filter(([, md]) => monthDays.includes(md)).map(([customerId, monthDay]) => ({ customerId, monthDay }));
    },
    async lastPurchasesIn(w) {
      return [...last].filter(([, v]) => v.ms > w.minExclusive && v.ms <= w.maxInclusive).map(([customerId, v]) => ({ customerId, lastPurchaseAt: v.at }));
    },
    async pointsExpiringIn(w) {
      return [...grants.values()].filter((g) => g.expiresMs > w.minExclusive && g.expiresMs <= w.maxInclusive);
    },
    async leaderboardCandidates(month) {
      return [...(spend.get(month) ?? new Map<string, number>())].map(([customerId, minor]) => ({ customerId, minor }));
    },
  };
}
