import { FactsInputError } from './errors.js';
import { civilFromDays, formatDate, formatMonthDay, parseInstant, weekdayOfDays } from './time.js';
import { localDayNumber } from './zone.js';

/** The `calendar` fact: the event's local date in the configured time zone. */
export interface Calendar {
  /** 'YYYY-MM-DD' */
  date: string;
  /** 'MM-DD' */
  monthDay: string;
  /** ISO weekday: 1 = Monday .. 7 = Sunday */
  weekday: number;
  /** 1..12 */
  month: number;
}

// Calendars are shared per (zone, local day) and frozen: formatting dominates the cost otherwise.
const cache = new Map<string, Map<number, Readonly<Calendar>>>();
const CACHE_LIMIT = 50_000;

export function calendarOfInstant(epochMs: number, timeZone: string): Readonly<Calendar> {
  const dayNumber = localDayNumber(timeZone, epochMs);
  let byDay = cache.get(timeZone);
  if (!byDay) cache.set(timeZone, (byDay = new Map()));
  let cal = byDay.get(dayNumber);
  if (!cal) {
    const civil = civilFromDays(dayNumber);
    cal = Object.freeze({
      date: formatDate(civil),
      monthDay: formatMonthDay(civil.month, civil.day),
      weekday: weekdayOfDays(dayNumber),
      month: civil.month,
    });
    if (byDay.size >= CACHE_LIMIT) byDay.clear();
    byDay.set(dayNumber, cal);
  }
  return cal;
}

/**
 * Calendar fact of an RFC 3339 instant in an IANA time zone (a shared, frozen object). Throws
 * FactsInputError naming `occurredAt` or `timeZone` on bad input.
 */
export function calendarOf(occurredAt: string, timeZone: string): Readonly<Calendar> {
  const ms = parseInstant(occurredAt);
  if (Number.isNaN(ms)) throw new FactsInputError('occurredAt', `not an RFC 3339 date-time with offset: ${JSON.stringify(occurredAt)}`);
  return calendarOfInstant(ms, timeZone);
}
