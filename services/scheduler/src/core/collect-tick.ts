// The clock events of one day tick, found through the indexes and built by @incentive/facts' generator.
import type { IncentiveEvent } from '@incentive/events';
import { birthdayDate, birthdayEvent, birthdaysOn, inactivityEvent, tickInstant } from '@incentive/facts';
import type { ScheduleConfig } from '@incentive/facts';
import { leaderboardClosedEvent, rankLeaderboard, type SpendEntry } from './leaderboard.js';
import { inactivityWindow, isInactivityDue, monthClosedAt } from './tick-plan.js';

/** The reads a tick needs (the Redis index store implements it; tests use an in-memory one). */
export interface DueIndex {
  birthdays(monthDays: readonly string[]): Promise<{ customerId: string; monthDay: string }[]>;
  lastPurchasesIn(window: { minExclusive: number; maxInclusive: number }): Promise<{ customerId: string; lastPurchaseAt: string }[]>;
  leaderboardCandidates(month: string, topN: number): Promise<SpendEntry[]>;
}

export interface TickEvents {
  date: string;
  at: string;
  events: IncentiveEvent[];
  counts: { birthday: number; inactivity: number; leaderboard: number };
  /** The month whose leaderboard closed at this tick, if any. */
  closedMonth: string | null;
}

function byId(a: IncentiveEvent, b: IncentiveEvent): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export async function collectTickEvents(index: DueIndex, schedule: ScheduleConfig, leaderboardTopN: number, tickDate: string): Promise<TickEvents> {
  const at = tickInstant(tickDate, schedule.timezone);
  const year = Number(tickDate.slice(0, 4));
  const events: IncentiveEvent[] = [];
  const counts = { birthday: 0, inactivity: 0, leaderboard: 0 };

  for (const { customerId, monthDay } of await index.birthdays(birthdaysOn(tickDate))) {
    if (birthdayDate(monthDay, year) !== tickDate) continue;
    events.push(birthdayEvent(customerId, monthDay, year, at));
    counts.birthday++;
  }

  const inactivity: IncentiveEvent[] = [];
  for (const days of schedule.inactivityDays) {
    for (const { customerId, lastPurchaseAt } of await index.lastPurchasesIn(inactivityWindow(tickDate, days, schedule.timezone))) {
      // The window is computed in ms; facts' own due-date rule has the last word.
      if (!isInactivityDue(lastPurchaseAt, days, tickDate, schedule.timezone)) continue;
      inactivity.push(inactivityEvent(customerId, days, lastPurchaseAt, at));
    }
  }
  counts.inactivity = inactivity.length;
  events.push(...inactivity);
  events.sort(byId);

  const closedMonth = monthClosedAt(tickDate);
  if (closedMonth !== null && leaderboardTopN > 0) {
    const ranked = rankLeaderboard(await index.leaderboardCandidates(closedMonth, leaderboardTopN), leaderboardTopN);
    for (const entry of ranked) events.push(leaderboardClosedEvent(closedMonth, entry, at));
    counts.leaderboard = ranked.length;
  }
  return { date: tickDate, at, events, counts, closedMonth };
}
