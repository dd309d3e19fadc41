import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEventJson, type IncentiveEvent } from '@incentive/events';
import { localDateOf, startOfLocalDay } from '@incentive/facts';
import { runIncentive } from './incentive-cli.js';
import { ONLINE_RETAIL_CSV, REPO_ROOT } from './repo.js';

const DAY_MS = 86_400_000;

export interface ImportedYear {
  /** Events in file order (the importer sorts by time; a signup comes just before its customer's first event). */
  events: IncentiveEvent[];
  /** The importer's own summary lines (stderr). */
  report: string;
}

/** `pnpm incentive import online-retail <csv> --out <tmp>`, read back and validated. */
export async function importOnlineRetail(csv = ONLINE_RETAIL_CSV): Promise<ImportedYear> {
  const dir = await mkdtemp(join(tmpdir(), 'incentive-retail-'));
  try {
    const out = join(dir, 'events.jsonl');
    const run = await runIncentive(['import', 'online-retail', csv, '--out', out], { cwd: REPO_ROOT });
    if (run.code !== 0) throw new Error(`incentive import online-retail failed (exit ${run.code}): ${run.stderr.trim()}`);
    const events: IncentiveEvent[] = [];
    const text = await readFile(out, 'utf8');
    let lineNo = 0;
    for (const line of text.split('\n')) {
      lineNo++;
      if (line === '') continue;
      const parsed = parseEventJson(line);
      if (!parsed.ok) throw new Error(`imported line ${lineNo}: ${parsed.error.message}`);
      events.push(parsed.value);
    }
    return { events, report: run.stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface SliceDay {
  /** Local date (schedule timezone), YYYY-MM-DD. */
  date: string;
  /** Local midnight that starts the day, epoch ms. */
  startMs: number;
  /** That day's events, in import order (empty on days without trading). */
  events: IncentiveEvent[];
}

export interface RetailSlice {
  events: IncentiveEvent[];
  /** Every local date from the first event's to the last event's, none skipped. */
  days: SliceDay[];
  timezone: string;
  customers: number;
  firstEventAt: string;
  lastEventAt: string;
}

/**
 * The events of the first `weeks` weeks (counted in whole local days from the first event's day), or
 * all of them. Days are local to `timezone` (rules/schedule.json) because the scheduler ticks at local
 * midnight: each day's events are published after that day's tick, the way `simulate --clock daily`
 * raises the clock events of a midnight before the first event past it.
 */
export function sliceByWeeks(all: readonly IncentiveEvent[], weeks: number | 'full', timezone: string): RetailSlice {
  if (all.length === 0) throw new Error('sliceByWeeks: no events');
  const firstDate = localDateOf(timezone, Date.parse(all[0]!.occurredAt));
  const endMs = weeks === 'full' ? Infinity : startOfLocalDay(addDays(firstDate, weeks * 7), timezone);
  const events = all.filter((e) => Date.parse(e.occurredAt) < endMs);
  const byDate = new Map<string, IncentiveEvent[]>();
  for (const e of events) {
    const date = localDateOf(timezone, Date.parse(e.occurredAt));
    let list = byDate.get(date);
    if (!list) byDate.set(date, (list = []));
    list.push(e);
  }
  const lastDate = localDateOf(timezone, Date.parse(events[events.length - 1]!.occurredAt));
  const days: SliceDay[] = [];
  for (let date = firstDate; date <= lastDate; date = addDays(date, 1)) {
    days.push({ date, startMs: startOfLocalDay(date, timezone), events: byDate.get(date) ?? [] });
  }
  return {
    events,
    days,
    timezone,
    customers: new Set(events.map((e) => e.customerId)).size,
    firstEventAt: events[0]!.occurredAt,
    lastEventAt: events[events.length - 1]!.occurredAt,
  };
}

/**
 * Every event of one customer in `oneIn` (a stable hash of the id), the rest dropped: a smaller load
 * with whole customer histories, so every per-customer fact, limit and clock event stays what it is
 * in the full data. (The shipped rules' global caps are far from reached in a few weeks, and the data
 * has no referrals, so no customer's rewards depend on another's.)
 */
export function sampleCustomers(events: readonly IncentiveEvent[], oneIn: number): IncentiveEvent[] {
  if (oneIn <= 1) return [...events];
  return events.filter((e) => fnv1a(e.customerId) % oneIn === 0);
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The slice as JSONL, the input of `incentive simulate`. */
export function toJsonl(events: readonly IncentiveEvent[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}
