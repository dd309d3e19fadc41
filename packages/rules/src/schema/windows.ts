// Limit windows: ISO-8601-like `PnD`, `PnM`, `PnY`, or "lifetime". A window is a sliding interval
// that ends at the event's time; it starts `n` units earlier, exclusive, so a yearly gift issued on
// 2011-05-03T00:00Z does not block the next one issued on 2012-05-03T00:00Z.

export type WindowUnit = 'D' | 'M' | 'Y';
export type LimitWindow = { kind: 'lifetime' } | { kind: 'sliding'; n: number; unit: WindowUnit };

const WINDOW_RE = /^P([1-9][0-9]{0,3})([DMY])$/;
const DAY_MS = 86_400_000;

/** Parses a window string; returns an error message naming what is wrong instead of throwing. */
export function parseWindow(text: string): { ok: true; window: LimitWindow } | { ok: false; message: string } {
  if (text === 'lifetime') return { ok: true, window: { kind: 'lifetime' } };
  const m = WINDOW_RE.exec(text);
  if (!m) {
    return { ok: false, message: `bad window "${text}": expected "PnD", "PnM", "PnY" (n from 1 to 9999) or "lifetime"` };
  }
  return { ok: true, window: { kind: 'sliding', n: Number(m[1]), unit: m[2] as WindowUnit } };
}

/**
 * Start of the window that ends at `atMs` (exclusive bound: entries strictly after it count).
 * Months and years are calendar months/years in UTC, clamped to the month's last day
 * (P1M before 2011-03-31 is 2011-02-28).
 */
export function windowStart(window: LimitWindow, atMs: number): number {
  if (window.kind === 'lifetime') return Number.NEGATIVE_INFINITY;
  if (window.unit === 'D') return atMs - window.n * DAY_MS;
  const d = new Date(atMs);
  const months = window.unit === 'M' ? window.n : window.n * 12;
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() - months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return Date.UTC(targetYear, targetMonth, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

export function formatWindow(window: LimitWindow): string {
  return window.kind === 'lifetime' ? 'lifetime' : `P${window.n}${window.unit}`;
}
