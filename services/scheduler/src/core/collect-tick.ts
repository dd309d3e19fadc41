// The clock events of one day tick, found through the indexes and built by @incentive/facts' generator.
import { POINTS_EXPIRE_TYPE, pointsExpireRequestId, type IncentiveEvent, type NotificationEvent, type PointsExpireRequest } from '@incentive/events';
import { birthdayDate, birthdayEvent, birthdaysOn, inactivityEvent, tickInstant } from '@incentive/facts';
import type { ScheduleConfig } from '@incentive/facts';
import { leaderboardClosedEvent, rankLeaderboard, type SpendEntry } from './leaderboard.js';
import { expiryWindow, inactivityWindow, isInactivityDue, monthClosedAt, noticeTarget, type ScoreWindow } from './tick-plan.js';

/** A points grant with an expiry date, as the index holds it. */
export interface PointsGrant {
  customerId: string;
  rewardId: string;
  points: number;
  expiresMs: number;
}

/** Points expiry at ticks: off when the schedule has no pointsExpireAfterDays. */
export interface PointsExpiryOptions {
  /** Days before the expiry tick that the customer is told (0: no notice). */
  noticeDays: number;
}

/** The reads a tick needs (the Redis index store implements it; tests use an in-memory one). */
export interface DueIndex {
  birthdays(monthDays: readonly string[]): Promise<{ customerId: string; monthDay: string }[]>;
  lastPurchasesIn(window: { minExclusive: number; maxInclusive: number }): Promise<{ customerId: string; lastPurchaseAt: string }[]>;
  leaderboardCandidates(month: string, topN: number): Promise<SpendEntry[]>;
  /** Points grants whose expiresAt lies in the window. */
  pointsExpiringIn(window: ScoreWindow): Promise<PointsGrant[]>;
}

export interface TickEvents {
  date: string;
  at: string;
  events: IncentiveEvent[];
  counts: { birthday: number; inactivity: number; leaderboard: number; expiry: number; expiryNotice: number };
  /** `points.expire` requests for the rewards topic (one per customer with grants due at this tick). */
  expiryRequests: PointsExpireRequest[];
  /** `points.expiring` notifications for the notifications topic (one per customer and expiry tick). */
  expiryNotices: NotificationEvent[];
  /** The month whose leaderboard closed at this tick, if any. */
  closedMonth: string | null;
}

function byId(a: IncentiveEvent, b: IncentiveEvent): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Grants per customer, customers sorted (deterministic output). */
function byCustomer(grants: readonly PointsGrant[]): [string, PointsGrant[]][] {
  const map = new Map<string, PointsGrant[]>();
  for (const g of grants) {
    const list = map.get(g.customerId);
    if (list) list.push(g);
    else map.set(g.customerId, [g]);
  }
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Notice id: once per customer and expiry tick. */
export function expiryNoticeId(customerId: string, expiryTick: string): string {
  return `clock:points-expiring:${customerId}:${expiryTick}`;
}

export async function collectTickEvents(index: DueIndex, schedule: ScheduleConfig, leaderboardTopN: number, tickDate: string, pointsExpiry?: PointsExpiryOptions): Promise<TickEvents> {
  const at = tickInstant(tickDate, schedule.timezone);
  const year = Number(tickDate.slice(0, 4));
  const events: IncentiveEvent[] = [];
  const counts = { birthday: 0, inactivity: 0, leaderboard: 0, expiry: 0, expiryNotice: 0 };
  const expiryRequests: PointsExpireRequest[] = [];
  const expiryNotices: NotificationEvent[] = [];
  if (pointsExpiry) {
    // Fulfillment expires every grant of the customer due at asOf, for what is left of it.
    for (const [customerId] of byCustomer(await index.pointsExpiringIn(expiryWindow(tickDate, schedule.timezone)))) {
      expiryRequests.push({ type: POINTS_EXPIRE_TYPE, id: pointsExpireRequestId(customerId, tickDate), customerId, asOf: at });
    }
    if (pointsExpiry.noticeDays > 0) {
      const target = noticeTarget(tickDate, pointsExpiry.noticeDays);
      const expiresAt = tickInstant(target, schedule.timezone);
      for (const [customerId, grants] of byCustomer(await index.pointsExpiringIn(expiryWindow(target, schedule.timezone)))) {
        // Points as granted: clawbacks are fulfillment's to know; the template says "up to".
        const points = grants.reduce((s, g) => s + g.points, 0);
        expiryNotices.push({
          customerId,
          kind: 'points.expiring',
          template: 'points-expiring',
          payload: { points, grants: grants.length, expiresOn: target, expiresAt, days: pointsExpiry.noticeDays },
          rewardId: expiryNoticeId(customerId, target),
        });
      }
    }
    counts.expiry = expiryRequests.length;
    counts.expiryNotice = expiryNotices.length;
  }

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
  return { date: tickDate, at, events, counts, closedMonth, expiryRequests, expiryNotices };
}
