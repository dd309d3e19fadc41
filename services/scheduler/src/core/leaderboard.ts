import type { LeaderboardClosedEvent } from '@incentive/events';
import { minorToMajor } from '@incentive/facts';

export interface SpendEntry {
  customerId: string;
  /** Net spend in the month, minor units. */
  minor: number;
}

export interface Ranked extends SpendEntry {
  rank: number;
}

/**
 * Top `topN` by spend (descending), ties broken by customer id so every instance and every re-run
 * ranks the same way; ranks are 1..N without gaps. Customers with no positive net spend do not rank.
 */
export function rankLeaderboard(entries: readonly SpendEntry[], topN: number): Ranked[] {
  return entries
    .filter((e) => e.minor > 0)
    .sort((a, b) => b.minor - a.minor || (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0))
    .slice(0, topN)
    .map((e, i) => ({ ...e, rank: i + 1 }));
}

/** `leaderboard.closed` for one ranked customer; the id is per (month, rank), so a re-run repeats it exactly. */
export function leaderboardClosedEvent(month: string, entry: Ranked, occurredAt: string): LeaderboardClosedEvent {
  return {
    id: `clock:leaderboard:${month}:${entry.rank}`,
    type: 'leaderboard.closed',
    customerId: entry.customerId,
    occurredAt,
    source: 'scheduler',
    data: { month, rank: entry.rank, spend: minorToMajor(entry.minor) },
  };
}
