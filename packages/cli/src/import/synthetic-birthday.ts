import { createHash } from 'node:crypto';

const DAY = 86_400_000;

/**
 * A made-up but stable birthday for a customer of a data set without one: the same id always
 * gives the same date. Years 1945-1995 (customers aged about 15-66 in 2011), any real day of that
 * year, so Feb 29 only appears in leap years.
 */
export function syntheticBirthday(customerId: string, salt = 'online-retail'): string {
  const digest = createHash('sha256').update(`${salt}:birthday:${customerId}`).digest();
  const year = 1945 + (digest.readUInt32BE(0) % 51);
  const start = Date.UTC(year, 0, 1);
  const days = (Date.UTC(year + 1, 0, 1) - start) / DAY;
  const date = new Date(start + (digest.readUInt32BE(4) % days) * DAY);
  return date.toISOString().slice(0, 10);
}
