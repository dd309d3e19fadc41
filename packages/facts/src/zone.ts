// Time-zone arithmetic on top of Intl.DateTimeFormat (no tz library: the runtime's ICU data is the
// IANA database). Offsets are cached per UTC hour, so the hot path pays Intl once per zone-hour.
import { FactsInputError } from './errors.js';
import { DAY_MS, civilFromDays, daysFromCivil, formatDate, parseDate } from './time.js';

const HOUR_MS = 3_600_000;
const CACHE_LIMIT = 100_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const hourOffsets = new Map<string, Map<number, number>>();
const dayStarts = new Map<string, number>();

function isUtc(timeZone: string): boolean {
  return timeZone === 'UTC' || timeZone === 'Etc/UTC';
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    if (typeof timeZone !== 'string' || timeZone === '') throw new FactsInputError('timeZone', 'must be an IANA time zone name');
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (cause) {
      throw new FactsInputError('timeZone', `unknown IANA time zone ${JSON.stringify(timeZone)}`, { cause });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows the IANA zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone === '') return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Offset (local minus UTC, ms) at an instant, straight from Intl. */
function exactOffset(timeZone: string, epochMs: number): number {
  const seconds = Math.floor(epochMs / 1000) * 1000;
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const p of formatter(timeZone).formatToParts(seconds)) {
    switch (p.type) {
      case 'year': year = Number(p.value); break;
      case 'month': month = Number(p.value); break;
      case 'day': day = Number(p.value); break;
      case 'hour': hour = Number(p.value); break;
      case 'minute': minute = Number(p.value); break;
      case 'second': second = Number(p.value); break;
      case 'era': bc = p.value.startsWith('B'); break;
      default: break;
    }
  }
  if (bc) year = 1 - year;
  const local = daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * 60_000 + second * 1000;
  return local - seconds;
}

/** Offset (local minus UTC, ms) of `timeZone` at `epochMs`. */
export function offsetAt(timeZone: string, epochMs: number): number {
  if (isUtc(timeZone)) return 0;
  let cache = hourOffsets.get(timeZone);
  if (!cache) {
    cache = new Map();
    hourOffsets.set(timeZone, cache);
  }
  const bucket = Math.floor(epochMs / HOUR_MS);
  let cached = cache.get(bucket);
  if (cached === undefined) {
    const start = bucket * HOUR_MS;
    const a = exactOffset(timeZone, start);
    const b = exactOffset(timeZone, start + HOUR_MS - 1000);
    // NaN marks an hour with a transition inside: such instants are resolved exactly every time.
    cached = a === b ? a : NaN;
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(bucket, cached);
  }
  return Number.isNaN(cached) ? exactOffset(timeZone, epochMs) : cached;
}

/** Local day number (days since 1970-01-01 on the local calendar) of an instant. */
export function localDayNumber(timeZone: string, epochMs: number): number {
  return Math.floor((epochMs + offsetAt(timeZone, epochMs)) / DAY_MS);
}

/** Local 'YYYY-MM-DD' of an instant. */
export function localDateOf(timeZone: string, epochMs: number): string {
  return formatDate(civilFromDays(localDayNumber(timeZone, epochMs)));
}

function isLocalMidnightOf(timeZone: string, epochMs: number, dayNumber: number): boolean {
  return epochMs + offsetAt(timeZone, epochMs) === dayNumber * DAY_MS;
}

/**
 * The first instant of local day `date` ('YYYY-MM-DD') in `timeZone`: local 00:00, or, when a DST
 * jump skips midnight (e.g. America/Santiago), the instant the day actually begins.
 */
export function startOfLocalDay(date: string, timeZone: string): number {
  const key = `${timeZone}|${date}`;
  const hit = dayStarts.get(key);
  if (hit !== undefined) return hit;
  const d = parseDate(date);
  if (!d) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const dayNumber = daysFromCivil(d.year, d.month, d.day);
  const t0 = dayNumber * DAY_MS;
  let result: number;
  if (isUtc(timeZone)) {
    result = t0;
  } else {
    const c1 = t0 - offsetAt(timeZone, t0);
    const c2 = t0 - offsetAt(timeZone, c1);
    const valid = [c1, c2].filter((c) => isLocalMidnightOf(timeZone, c, dayNumber));
    if (valid.length > 0) {
      result = Math.min(...valid);
      // A fall-back transition can show 00:00 twice; the day starts at the first one.
      for (const back of [HOUR_MS, HOUR_MS / 2]) {
        if (isLocalMidnightOf(timeZone, result - back, dayNumber)) result -= back;
      }
    } else {
      // Midnight was skipped: binary-search the first instant (to the second) whose local day is `date`.
      let lo = Math.min(c1, c2) - 3 * HOUR_MS; // local day before `date`
      let hi = Math.max(c1, c2) + 3 * HOUR_MS; // local day `date`
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (localDayNumber(timeZone, mid) >= dayNumber) hi = mid;
        else lo = mid;
      }
      result = hi;
    }
  }
  if (dayStarts.size >= CACHE_LIMIT) dayStarts.clear();
  dayStarts.set(key, result);
  return result;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** RFC 3339 text of an instant in `timeZone`, with that zone's offset at the instant (e.g. +01:00). */
export function formatInstant(epochMs: number, timeZone: string): string {
  const offset = offsetAt(timeZone, epochMs);
  const local = epochMs + offset;
  const dayNumber = Math.floor(local / DAY_MS);
  const inDay = local - dayNumber * DAY_MS;
  const h = Math.floor(inDay / HOUR_MS);
  const m = Math.floor((inDay % HOUR_MS) / 60_000);
  const s = Math.floor((inDay % 60_000) / 1000);
  const ms = inDay % 1000;
  const frac = ms === 0 ? '' : `.${String(ms).padStart(3, '0')}`;
  const offMin = Math.round(offset / 60_000);
  const sign = offMin < 0 ? '-' : '+';
  const abs = Math.abs(offMin);
  return `${formatDate(civilFromDays(dayNumber))}T${pad2(h)}:${pad2(m)}:${pad2(s)}${frac}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

