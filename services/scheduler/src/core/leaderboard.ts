// The ranking and the event come from @incentive/facts, shared with `incentive simulate --clock daily`.
import type { RankedSpend, SpendEntry } from '@incentive/facts';

export { leaderboardClosedEvent, rankLeaderboard } from '@incentive/facts';
export type { SpendEntry };
export type Ranked = RankedSpend;

/** Top N of the leaderboard: schedule.json's `leaderboardSize` (what simulate reads too), else LEADERBOARD_TOP_N. */
export function leaderboardTopNOf(schedule: { leaderboardSize?: number }, envTopN: number): number {
  return schedule.leaderboardSize ?? envTopN;
}
