import { describe, expect, it } from 'vitest';
import { inactivityDueDate, startOfLocalDay } from '@incentive/facts';
import { addDays } from './dates.js';
import { inactivityWindow, initialLastTick, monthClosedAt, monthOf, ticksDue } from './tick-plan.js';

const DAY = 86_400_000;

describe('ticksDue (catch-up)', () => {
  it('returns every missed midnight, oldest first, up to and including now', () => {
    const due = ticksDue('2026-03-01', Date.parse('2026-03-03T00:00:00Z'), 'UTC');
    expect(due.map((m) => m.date)).toEqual(['2026-03-02', '2026-03-03']);
    expect(due.map((m) => m.at)).toEqual(['2026-03-02T00:00:00+00:00', '2026-03-03T00:00:00+00:00']);
  });

  it('returns nothing before the next midnight and nothing for an already completed day', () => {
    expect(ticksDue('2026-03-03', Date.parse('2026-03-03T23:59:59.999Z'), 'UTC')).toEqual([]);
    expect(ticksDue('2026-03-04', Date.parse('2026-03-03T12:00:00Z'), 'UTC')).toEqual([]);
  });

  it('ticks at local midnight across the DST changes (Europe/London, America/New_York)', () => {
    const london = ticksDue('2026-03-28', Date.parse('2026-03-30T12:00:00Z'), 'Europe/London');
    expect(london.map((m) => m.at)).toEqual(['2026-03-29T00:00:00+00:00', '2026-03-30T00:00:00+01:00']);
    const ny = ticksDue('2026-10-31', Date.parse('2026-11-03T12:00:00Z'), 'America/New_York');
    expect(ny.map((m) => m.at)).toEqual(['2026-11-01T00:00:00-04:00', '2026-11-02T00:00:00-05:00', '2026-11-03T00:00:00-05:00']);
  });

  it('handles a zone whose midnight is skipped by DST (America/Santiago starts the day at 01:00)', () => {
    const due = ticksDue('2026-09-05', Date.parse('2026-09-07T12:00:00Z'), 'America/Santiago');
    expect(due.map((m) => m.date)).toEqual(['2026-09-06', '2026-09-07']);
    expect(due[0]!.at).toBe('2026-09-06T01:00:00-03:00');
  });

  it('a long outage yields one tick per day, in order, with no gap', () => {
    const due = ticksDue('2026-01-01', Date.parse('2026-12-31T00:00:00Z'), 'Europe/Berlin');
    expect(due).toHaveLength(364);
    for (let i = 1; i < due.length; i++) expect(due[i]!.date).toBe(addDays(due[i - 1]!.date, 1));
  });
});

describe('initialLastTick', () => {
  it('treats the local day containing now as done, so the first tick is the next midnight', () => {
    expect(initialLastTick(Date.parse('2026-05-10T15:00:00Z'), 'UTC')).toBe('2026-05-10');
    // 23:30 UTC is already the next day in Berlin.
    expect(initialLastTick(Date.parse('2026-05-10T23:30:00Z'), 'Europe/Berlin')).toBe('2026-05-11');
  });
  it('starts from a configured first tick', () => {
    expect(initialLastTick(Date.parse('2026-05-10T15:00:00Z'), 'UTC', '2026-03-01')).toBe('2026-02-28');
  });
});

describe('inactivityWindow', () => {
  it('contains exactly the purchases whose threshold falls due at that tick (agrees with facts, across DST)', () => {
    for (const tz of ['UTC', 'Europe/London', 'America/New_York', 'America/Santiago', 'Australia/Lord_Howe']) {
      for (const days of [1, 30, 60, 90]) {
        // Purchases every 211 minutes over five months (crosses both DST changes of each zone).
        for (let t = Date.parse('2026-02-01T00:00:00Z'); t < Date.parse('2026-07-01T00:00:00Z'); t += 211 * 60_000) {
          const at = new Date(t).toISOString();
          const due = inactivityDueDate(at, days, tz);
          const w = inactivityWindow(due, days, tz);
          expect(t > w.minExclusive && t <= w.maxInclusive, `${tz} ${days}d ${at} due ${due}`).toBe(true);
          const before = inactivityWindow(addDays(due, -1), days, tz);
          expect(t > before.minExclusive && t <= before.maxInclusive).toBe(false);
        }
      }
    }
  });

  it('windows of consecutive ticks tile time: each ends where the next begins', () => {
    let date = '2026-03-20';
    for (let i = 0; i < 20; i++) {
      const next = addDays(date, 1);
      expect(inactivityWindow(date, 30, 'Europe/London').maxInclusive).toBe(inactivityWindow(next, 30, 'Europe/London').minExclusive);
      date = next;
    }
    const w = inactivityWindow('2026-03-30', 30, 'Europe/London');
    // The day before 2026-03-30 is 23 h long in London (clocks go forward on the 29th).
    expect(w.maxInclusive - w.minExclusive).toBe(DAY - 3_600_000);
    expect(w.maxInclusive).toBe(startOfLocalDay('2026-03-30', 'Europe/London') - 30 * DAY);
  });
});

describe('months', () => {
  it('closes the previous month at the tick of the 1st only', () => {
    expect(monthClosedAt('2026-03-01')).toBe('2026-02');
    expect(monthClosedAt('2027-01-01')).toBe('2026-12');
    expect(monthClosedAt('2026-03-02')).toBeNull();
  });
  it('takes the calendar month in the schedule zone', () => {
    const t = Date.parse('2026-01-31T23:30:00Z');
    expect(monthOf(t, 'UTC')).toBe('2026-01');
    expect(monthOf(t, 'Europe/Berlin')).toBe('2026-02');
  });
});
