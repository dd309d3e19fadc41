import type { CustomerState } from './customer-state.js';
import type { BirthdayEvent, InactivityEvent, IncentiveEvent } from '@incentive/events';
import type { ScheduleConfig } from './schedule-config.js';
import { DAY_MS, addDays, isLeapYear, parseDate, parseInstant } from './time.js';
import { FactsInputError } from './errors.js';
import { boundedEventId } from './event-id.js';
import { formatInstant, localDateOf, startOfLocalDay } from './zone.js';

/** Local date ('YYYY-MM-DD') of a customer's birthday in `year`; Feb 29 falls on Feb 28 in non-leap years. */
export function birthdayDate(monthDay: string, year: number): string {
  const y = String(year).padStart(4, '0');
  if (monthDay === '02-29' && !isLeapYear(year)) return `${y}-02-28`;
  return `${y}-${monthDay}`;
}

/** Month-days ('MM-DD') whose birthdays fall on `tickDate` (two on Feb 28 of a non-leap year). */
export function birthdaysOn(tickDate: string): string[] {
  const d = parseDate(tickDate);
  if (!d) throw new FactsInputError('tickDate', `not a YYYY-MM-DD date: ${JSON.stringify(tickDate)}`);
  const md = tickDate.slice(5);
  return md === '02-28' && !isLeapYear(d.year) ? ['02-28', '02-29'] : [md];
}

/**
 * Local date of the first day tick at or after `lastPurchaseAt + days x 24 h` (elapsed time, so
 * `daysSinceLastPurchase` is at least `days` at that tick even across DST changes).
 */
export function inactivityDueDate(lastPurchaseAt: string, days: number, timeZone: string): string {
  const last = parseInstant(lastPurchaseAt);
  if (Number.isNaN(last)) {
    throw new FactsInputError('lastPurchaseAt', `not an RFC 3339 date-time with offset: ${JSON.stringify(lastPurchaseAt)}`);
  }
  const due = last + days * DAY_MS;
  const date = localDateOf(timeZone, due);
  return startOfLocalDay(date, timeZone) >= due ? date : addDays(date, 1);
}

/** RFC 3339 instant (with the zone's offset) of the day tick for local date `tickDate`. */
export function tickInstant(tickDate: string, timeZone: string): string {
  if (!parseDate(tickDate)) throw new FactsInputError('tickDate', `not a YYYY-MM-DD date: ${JSON.stringify(tickDate)}`);
  return formatInstant(startOfLocalDay(tickDate, timeZone), timeZone);
}

export function birthdayEvent(customerId: string, monthDay: string, year: number, occurredAt: string): BirthdayEvent {
  return {
    id: boundedEventId(`clock:birthday:${customerId}:${String(year).padStart(4, '0')}`),
    type: 'birthday',
    customerId,
    occurredAt,
    source: 'scheduler',
    data: { monthDay, year },
  };
}

export function inactivityEvent(customerId: string, days: number, lastPurchaseAt: string, occurredAt: string): InactivityEvent {
  return {
    id: boundedEventId(`clock:inactivity:${customerId}:${days}:${lastPurchaseAt}`),
    type: 'inactivity',
    customerId,
    occurredAt,
    source: 'scheduler',
    data: { days, lastPurchaseAt },
  };
}

/**
 * Clock events due for one customer at the day tick of local date `tickDate` (pure). Callers that
 * may tick the same date twice dedupe on the event ids, which are stable.
 */
export function clockEventsForTick(state: CustomerState, tickDate: string, schedule: ScheduleConfig): IncentiveEvent[] {
  const out: IncentiveEvent[] = [];
  let at: string | undefined;
  const year = Number(tickDate.slice(0, 4));
  if (state.birthday !== null && birthdayDate(state.birthday, year) === tickDate) {
    at = tickInstant(tickDate, schedule.timezone);
    out.push(birthdayEvent(state.customerId, state.birthday, year, at));
  }
  if (state.lastPurchaseAt !== null) {
    for (const days of schedule.inactivityDays) {
      if (inactivityDueDate(state.lastPurchaseAt, days, schedule.timezone) === tickDate) {
        at ??= tickInstant(tickDate, schedule.timezone);
        out.push(inactivityEvent(state.customerId, days, state.lastPurchaseAt, at));
      }
    }
  }
  return out;
}

export interface LocalMidnight {
  /** Local date that starts at this instant. */
  date: string;
  /** RFC 3339 with the zone's offset. */
  at: string;
  epochMs: number;
}

/** Local midnights (day starts) m with from < m <= to, in order; DST-safe. */
export function midnightsBetween(fromIso: string, toIso: string, timeZone: string): LocalMidnight[] {
  const from = parseInstant(fromIso);
  const to = parseInstant(toIso);
  if (Number.isNaN(from)) throw new FactsInputError('from', `not an RFC 3339 date-time with offset: ${JSON.stringify(fromIso)}`);
  if (Number.isNaN(to)) throw new FactsInputError('to', `not an RFC 3339 date-time with offset: ${JSON.stringify(toIso)}`);
  const out: LocalMidnight[] = [];
  if (to <= from) return out;
  let date = localDateOf(timeZone, from);
  for (;;) {
    const start = startOfLocalDay(date, timeZone);
    if (start > to) break;
    if (start > from) out.push({ date, at: formatInstant(start, timeZone), epochMs: start });
    date = addDays(date, 1);
  }
  return out;
}
