// Date arithmetic on epoch numbers: the reducer is on the hot path, so RFC 3339 strings are parsed by
// hand (several times faster than Date.parse) and calendar dates use Hinnant's civil-day algorithms.

export const DAY_MS = 86_400_000;
export const YEAR_WINDOW_MS = 365 * DAY_MS;

/** Days since 1970-01-01 for a proleptic Gregorian date (month 1-12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** ISO weekday 1 (Monday) .. 7 (Sunday) of a day number. 1970-01-01 was a Thursday. */
export function weekdayOfDays(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

/**
 * Monotonic ISO-week number (UTC): weeks start on Monday, so consecutive ISO weeks have consecutive
 * indices across year boundaries (week 52/53 -> week 1) without computing ISO week-years.
 */
export function isoWeekIndex(epochMs: number): number {
  return Math.floor((Math.floor(epochMs / DAY_MS) + 3) / 7);
}

export function wholeDaysBetween(fromMs: number, toMs: number): number {
  return Math.floor((toMs - fromMs) / DAY_MS);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  return n < 1000 ? String(n).padStart(4, '0') : String(n);
}

export function formatDate(d: CivilDate): string {
  return `${pad4(d.year)}-${pad2(d.month)}-${pad2(d.day)}`;
}

export function formatMonthDay(month: number, day: number): string {
  return `${pad2(month)}-${pad2(day)}`;
}

/** Parses 'YYYY-MM-DD' strictly; undefined when malformed or not a real date. */
export function parseDate(text: string): CivilDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

export function addDays(date: string, n: number): string {
  const d = parseDate(date);
  if (!d) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return formatDate(civilFromDays(daysFromCivil(d.year, d.month, d.day) + n));
}

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
}

function num2(s: string, i: number): number {
  return digit(s, i) * 10 + digit(s, i + 1);
}

/**
 * Epoch milliseconds of an RFC 3339 date-time with offset ('Z' or ±HH:MM, optional fraction),
 * NaN when the text is not one. Fractions beyond milliseconds are truncated.
 */
export function parseInstant(s: string): number {
  // One event's time is parsed by the reducer, the pipeline and the calendar in turn: remember the last.
  if (s === lastText) return lastMs;
  lastMs = parseInstantUncached(s);
  lastText = s;
  return lastMs;
}

let lastText = '';
let lastMs = NaN;

function parseInstantUncached(s: string): number {
  const len = s.length;
  if (len < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
    return NaN;
  }
  const t = s.charCodeAt(10);
  if (t !== 84 && t !== 116 && t !== 32) return NaN; // 'T', 't' or ' ' (RFC 3339 §5.6 note)
  const year = digit(s, 0) * 1000 + digit(s, 1) * 100 + num2(s, 2);
  const month = num2(s, 5);
  const day = num2(s, 8);
  const hour = num2(s, 11);
  const minute = num2(s, 14);
  const second = num2(s, 17);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) return NaN;
  if (!(hour <= 23 && minute <= 59 && second <= 59)) return NaN;
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46) {
    i++;
    const start = i;
    while (i < len) {
      const d = digit(s, i);
      if (Number.isNaN(d)) break;
      if (i - start < 3) ms += d * (i - start === 0 ? 100 : i - start === 1 ? 10 : 1);
      i++;
    }
    if (i === start) return NaN;
  }
  let offsetMin: number;
  const z = s.charCodeAt(i);
  if (z === 90 || z === 122) {
    if (i + 1 !== len) return NaN;
    offsetMin = 0;
  } else if ((z === 43 || z === 45) && i + 6 === len && s.charCodeAt(i + 3) === 58) {
    const oh = num2(s, i + 1);
    const om = num2(s, i + 4);
    if (!(oh <= 23 && om <= 59)) return NaN;
    offsetMin = (z === 45 ? -1 : 1) * (oh * 60 + om);
  } else {
    return NaN;
  }
  return (
    daysFromCivil(year, month, day) * DAY_MS + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms - offsetMin * 60_000
  );
}
