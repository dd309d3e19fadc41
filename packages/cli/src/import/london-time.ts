// UK civil time since 1996 follows the EU rule: BST (UTC+1) from 01:00 UTC on the last Sunday of
// March to 01:00 UTC on the last Sunday of October, GMT otherwise. Computed here rather than with
// Intl because it runs once per invoice and Intl formatting is slow; london-time.test.ts checks it
// against Intl's Europe/London for every hour of several years.

const HOUR = 3_600_000;

function lastSundayUtc(year: number, month: number): number {
  const lastDay = Date.UTC(year, month + 1, 0);
  const weekday = new Date(lastDay).getUTCDay();
  return lastDay - weekday * 24 * HOUR;
}

function bstBounds(year: number): [number, number] {
  return [lastSundayUtc(year, 2) + HOUR, lastSundayUtc(year, 9) + HOUR];
}

const boundsCache = new Map<number, [number, number]>();

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Convert a UK wall-clock time `YYYY-MM-DD HH:MM[:SS]` to RFC 3339 with its offset
 * (`+00:00` or `+01:00`). A time skipped by the spring-forward hour does not exist: it is read as
 * GMT. A time repeated in autumn is read as its first occurrence (BST). Returns undefined when the
 * text is not a valid time.
 */
export function ukLocalToRfc3339(local: string): string | undefined {
  const m = LOCAL.exec(local);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s = '00'] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), m[6]];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || Number(s) > 59) return undefined;
  const wall = Date.UTC(y, mo - 1, d, h, mi, Number(s));
  if (new Date(wall).getUTCDate() !== d) return undefined;
  let bounds = boundsCache.get(y);
  if (!bounds) {
    bounds = bstBounds(y);
    boundsCache.set(y, bounds);
  }
  const [start, end] = bounds;
  // As BST, the instant would be wall - 1h; valid if inside [start, end). The first autumn
  // occurrence of 01:xx is BST, so testing BST first picks it.
  const asBst = wall - HOUR;
  const bst = asBst >= start && asBst < end;
  const date = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${s}`;
  return bst ? `${date}+01:00` : `${date}+00:00`;
}
