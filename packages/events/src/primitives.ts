import { array, datetime, meta, num, pattern, str, strMatching } from './field.js';

// Shared field declarations. Messages are written to read as a sentence after the field path
// (`data.amount: must have at most 2 decimals`).

export const MAX_EVENT_BYTES = 64 * 1024;
export const MAX_ITEMS = 500;
/** Money is computed in minor units downstream; keep `amount * 100` a safe integer. */
export const MAX_MONEY = Math.floor(Number.MAX_SAFE_INTEGER / 100);

export const CUSTOMER_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export const customerId = meta(pattern(CUSTOMER_ID_PATTERN, 'must match ^[A-Za-z0-9._:-]{1,128}$'), {
  description: 'Customer id: 1-128 of A-Z a-z 0-9 . _ : -',
});

export const eventId = str(1, 128);

/** RFC 3339 date-time with seconds and an explicit offset (`Z` or `±hh:mm`); real calendar dates only. */
export const timestamp = datetime(
  'must be an RFC 3339 date-time with seconds and an offset (Z or ±hh:mm), e.g. 2026-03-01T12:00:00Z',
);

export function hasAtMostTwoDecimals(x: number): boolean {
  const cents = x * 100;
  if (Number.isInteger(cents)) return true;
  // 0.29 * 100 is 28.999999999999996: compare with the nearest 2-decimal value instead.
  return Number(x.toFixed(2)) === x;
}

/** Money in major units: >= 0, at most 2 decimals. */
export const money = meta(num({ min: 0, max: MAX_MONEY, refine: { test: hasAtMostTwoDecimals, message: 'must have at most 2 decimals' } }), {
  description: 'Amount in major units, >= 0, at most 2 decimals',
  multipleOf: 0.01,
});

export const currency = pattern(/^[A-Z]{3}$/, 'must be an ISO 4217 code (3 upper-case letters)');

export const positiveInt = num({ min: 1, max: Number.MAX_SAFE_INTEGER, int: true });

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Month 1-12 and a day that month can have (Feb 29 allowed). */
export function isValidMonthDay(mm: number, dd: number): boolean {
  return mm >= 1 && mm <= 12 && dd >= 1 && dd <= (DAYS_IN_MONTH[mm - 1] ?? 0);
}

const BIRTHDAY_PATTERN = /^(?:(\d{4})|-)-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` (year >= 1900) or `--MM-DD` (year unknown, ISO 8601 truncated form); a real date. */
export function isValidBirthday(s: string): boolean {
  const m = BIRTHDAY_PATTERN.exec(s);
  if (!m) return false;
  const mm = Number(m[2]);
  const dd = Number(m[3]);
  if (!isValidMonthDay(mm, dd)) return false;
  if (m[1] !== undefined) {
    const year = Number(m[1]);
    if (year < 1900) return false;
    if (mm === 2 && dd === 29 && !isLeap(year)) return false;
  }
  return true;
}

export const birthday = pattern(/^(?:\d{4}|-)-\d{2}-\d{2}$/, 'must be YYYY-MM-DD or --MM-DD', {
  test: isValidBirthday,
  message: 'must be a real date (YYYY-MM-DD from 1900, or --MM-DD)',
});

export const monthDay = pattern(/^\d{2}-\d{2}$/, 'must be MM-DD', {
  test: (s) => isValidMonthDay(Number(s.slice(0, 2)), Number(s.slice(3, 5))),
  message: 'must be a real month and day',
});

export const yearMonth = pattern(/^\d{4}-(?:0[1-9]|1[0-2])$/, 'must be YYYY-MM');

export const email = strMatching(3, 254, /^[^\s@]+@[^\s@]+$/, 'must be an e-mail address');

export { array, str };
