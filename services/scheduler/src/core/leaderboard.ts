// The ranking and the event come from @incentive/facts, shared with `incentive simulate --clock daily`.
import type { RankedSpend, SpendEntry } from '@incentive/facts';

export { leaderboardClosedEvent, rankLeaderboard } from '@incentive/facts';
export type { SpendEntry };
export type Ranked = RankedSpend;
