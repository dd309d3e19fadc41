// Pure tick planning: which day ticks are due, and which index ranges hold the customers due at a
// tick. The event ids and dates themselves come from @incentive/facts (the simulator's generator).
import { inactivityDueDate, localDateOf, midnightsBetween, startOfLocalDay, tickInstant } from '@incentive/facts';
import type { LocalMidnight } from '@incentive/facts';
import { addDays, previousMonth } from './dates.js';

const DAY_MS = 86_400_000;

/**
 * Day ticks still to run, oldest first: the local midnights after the tick of `lastCompleted` up to
 * and including `nowMs`. A scheduler that was down for two days gets both days, in order.
 */
export function ticksDue(lastCompleted: string, nowMs: number, timeZone: string): LocalMidnight[] {
  return midnightsBetween(tickInstant(lastCompleted, timeZone), new Date(nowMs).toISOString(), timeZone);
}

/**
 * The last completed tick assumed on the very first start: the day before `firstTick` when one is
 * configured, else the local day that contains `nowMs` (its midnight has passed, so the first tick
 * run is the next midnight: a fresh deployment does not raise a backlog of historical events).
 */
export function initialLastTick(nowMs: number, timeZone: string, firstTick?: string): string {
  return firstTick !== undefined ? addDays(firstTick, -1) : localDateOf(timeZone, nowMs);
}

export interface ScoreWindow {
  /** Exclusive lower bound (epoch ms) of lastPurchaseAt. */
  minExclusive: number;
  /** Inclusive upper bound (epoch ms) of lastPurchaseAt. */
  maxInclusive: number;
}

/**
 * lastPurchaseAt values whose threshold `days` falls due at the tick of `tickDate`: due when
 * previous tick < lastPurchaseAt + days x 24 h <= this tick (facts' "first tick at or after"), so the
 * windows of consecutive ticks tile the time line with no gap and no overlap, also across DST.
 */
export function inactivityWindow(tickDate: string, days: number, timeZone: string): ScoreWindow {
  const previous = startOfLocalDay(addDays(tickDate, -1), timeZone);
  const current = startOfLocalDay(tickDate, timeZone);
  return { minExclusive: previous - days * DAY_MS, maxInclusive: current - days * DAY_MS };
}

/**
 * Points grants whose expiry falls due at the tick of `tickDate`: previous tick < expiresAt <= this
 * tick. Consecutive windows tile the time line (as for inactivity), so each grant belongs to exactly
 * one tick, and a re-run or a catch-up finds the same grants for the same tick.
 */
export function expiryWindow(tickDate: string, timeZone: string): ScoreWindow {
  return { minExclusive: startOfLocalDay(addDays(tickDate, -1), timeZone), maxInclusive: startOfLocalDay(tickDate, timeZone) };
}

/** The tick whose grants are announced at the tick of `tickDate`, `noticeDays` ahead. */
export function noticeTarget(tickDate: string, noticeDays: number): string {
  return addDays(tickDate, noticeDays);
}

/** True when facts' own rule agrees that threshold `days` of this purchase is due at `tickDate`. */
export function isInactivityDue(lastPurchaseAt: string, days: number, tickDate: string, timeZone: string): boolean {
  return inactivityDueDate(lastPurchaseAt, days, timeZone) === tickDate;
}

/** The month (YYYY-MM) that closes at the tick of `tickDate`: the previous month on the 1st, else null. */
export function monthClosedAt(tickDate: string): string | null {
  return tickDate.endsWith('-01') ? previousMonth(tickDate.slice(0, 7)) : null;
}

/** Calendar month (YYYY-MM) of an instant in the schedule's zone. */
export function monthOf(epochMs: number, timeZone: string): string {
  return localDateOf(timeZone, epochMs).slice(0, 7);
}
