// Monthly spend leaderboard (pure): the rule the scheduler applies with Redis sorted sets, in memory
// for `incentive simulate --clock daily`. Both use rankLeaderboard/leaderboardClosedEvent from here.
import type { IncentiveEvent, LeaderboardClosedEvent } from '@incentive/events';
import { tickInstant } from './clock-events.js';
import { minorToMajor, toMinor } from './money.js';
import type { ScheduleConfig } from './schedule-config.js';
import { parseInstant } from './time.js';
import { localDateOf } from './zone.js';

/** Top N when schedule.json has no `leaderboardSize` (the scheduler's LEADERBOARD_TOP_N default too). */
export const DEFAULT_LEADERBOARD_SIZE = 10;

export interface SpendEntry {
  customerId: string;
  /** Net spend in the month, minor units. */
  minor: number;
}

export interface RankedSpend extends SpendEntry {
  rank: number;
}

/**
 * Top `topN` by spend (descending), ties broken by customer id so every instance and every re-run
 * ranks the same way; ranks are 1..N without gaps. Customers with no positive net spend do not rank.
 */
export function rankLeaderboard(entries: readonly SpendEntry[], topN: number): RankedSpend[] {
  return entries
    .filter((e) => e.minor > 0)
    .sort((a, b) => b.minor - a.minor || (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0))
    .slice(0, Math.max(0, topN))
    .map((e, i) => ({ ...e, rank: i + 1 }));
}

/** `leaderboard.closed` for one ranked customer; the id is per (month, rank), so a re-run repeats it exactly. */
export function leaderboardClosedEvent(month: string, entry: RankedSpend, occurredAt: string): LeaderboardClosedEvent {
  return {
    id: `clock:leaderboard:${month}:${entry.rank}`,
    type: 'leaderboard.closed',
    customerId: entry.customerId,
    occurredAt,
    source: 'scheduler',
    data: { month, rank: entry.rank, spend: minorToMajor(entry.minor) },
  };
}

/** The month (YYYY-MM) that closes at the tick of local date `tickDate`: the previous month on the 1st, else null. */
export function leaderboardMonthClosedAt(tickDate: string): string | null {
  if (!tickDate.endsWith('-01')) return null;
  const y = Number(tickDate.slice(0, 4));
  const m = Number(tickDate.slice(5, 7));
  return m === 1 ? `${String(y - 1).padStart(4, '0')}-12` : `${tickDate.slice(0, 4)}-${String(m - 1).padStart(2, '0')}`;
}

/** Top N of a schedule: `leaderboardSize`, else the default; 0 turns the leaderboard off. */
export function leaderboardSizeOf(schedule: ScheduleConfig): number {
  return schedule.leaderboardSize ?? DEFAULT_LEADERBOARD_SIZE;
}

export interface LeaderboardTracker {
  /** Counts a purchase (in its month) or a refund (in its order's month); other events are ignored. Call once per event id. */
  apply(event: IncentiveEvent): void;
  /** `leaderboard.closed` events due at the tick of `tickDate` (the top N of the month closing then, if any). */
  closeAt(tickDate: string): LeaderboardClosedEvent[];
}

/**
 * Net spend per customer per calendar month of the schedule's zone, in minor units. A refund lowers
 * the month of its order (the first month that order was seen in), or the refund's own month when the
 * order is unknown. A month's spend is dropped once it has closed; later refunds of its orders change
 * nothing already published (as in the scheduler).
 */
export function createLeaderboardTracker(schedule: ScheduleConfig, topN = leaderboardSizeOf(schedule)): LeaderboardTracker {
  const tz = schedule.timezone;
  const months = new Map<string, Map<string, number>>();
  const closed = new Set<string>();
  // customer -> orderId -> month of the order.
  const orderMonths = new Map<string, Map<string, string>>();

  const add = (month: string, customerId: string, minor: number): void => {
    if (closed.has(month)) return;
    let spend = months.get(month);
    if (!spend) months.set(month, (spend = new Map()));
    spend.set(customerId, (spend.get(customerId) ?? 0) + minor);
  };

  return {
    apply(event) {
      if (event.type !== 'purchase' && event.type !== 'refund') return;
      const ms = parseInstant(event.occurredAt);
      if (Number.isNaN(ms)) return;
      const month = localDateOf(tz, ms).slice(0, 7);
      const { orderId, amount } = event.data;
      let orders = orderMonths.get(event.customerId);
      if (event.type === 'purchase') {
        if (!orders) orderMonths.set(event.customerId, (orders = new Map()));
        // The first purchase of an order fixes its month (the scheduler's SET NX).
        if (!orders.has(orderId)) orders.set(orderId, month);
        add(month, event.customerId, toMinor(amount));
      } else {
        add(orders?.get(orderId) ?? month, event.customerId, -toMinor(amount));
      }
    },
    closeAt(tickDate) {
      const month = leaderboardMonthClosedAt(tickDate);
      if (month === null || closed.has(month)) return [];
      closed.add(month);
      const spend = months.get(month);
      months.delete(month);
      if (!spend || topN <= 0) return [];
      const at = tickInstant(tickDate, tz);
      const entries = [...spend].map(([customerId, minor]) => ({ customerId, minor }));
      return rankLeaderboard(entries, topN).map((e) => leaderboardClosedEvent(month, e, at));
    },
  };
}
