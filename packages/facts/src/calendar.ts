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

export function calendarOfInstant(epochMs: number, timeZone: string): Calendar {
  const dayNumber = localDayNumber(timeZone, epochMs);
  const civil = civilFromDays(dayNumber);
  return {
    date: formatDate(civil),
    monthDay: formatMonthDay(civil.month, civil.day),
    weekday: weekdayOfDays(dayNumber),
    month: civil.month,
  };
}

/** Calendar fact of an RFC 3339 instant in an IANA time zone. Throws FactsInputError on a bad instant. */
export function calendarOf(occurredAt: string, timeZone: string): Calendar {
  const ms = parseInstant(occurredAt);
  if (Number.isNaN(ms)) throw new FactsInputError('occurredAt', `not an RFC 3339 date-time with offset: ${JSON.stringify(occurredAt)}`);
  return calendarOfInstant(ms, timeZone);
}
