import { describe, expect, it } from 'vitest';
import { calendarOf } from './calendar.js';
import { FactsInputError } from './errors.js';
import { formatInstant, isValidTimeZone, localDateOf, offsetAt, startOfLocalDay } from './zone.js';

describe('zone offsets and local days', () => {
  it('matches Intl at every hour around the Berlin DST changes', () => {
    const f = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', timeZoneName: 'longOffset' });
    for (const startIso of ['2026-03-28T20:00:00Z', '2026-10-24T20:00:00Z']) {
      for (let t = Date.parse(startIso); t < Date.parse(startIso) + 12 * 3_600_000; t += 15 * 60_000) {
        const name = f.formatToParts(t).find((p) => p.type === 'timeZoneName')!.value; // GMT+01:00
        const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name)!;
        const expected = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
        expect(offsetAt('Europe/Berlin', t), new Date(t).toISOString()).toBe(expected);
      }
    }
  });

  it('finds local midnight across DST, including zones where midnight is skipped', () => {
    expect(formatInstant(startOfLocalDay('2026-03-29', 'Europe/Berlin'), 'Europe/Berlin')).toBe('2026-03-29T00:00:00+01:00');
    expect(formatInstant(startOfLocalDay('2026-03-30', 'Europe/Berlin'), 'Europe/Berlin')).toBe('2026-03-30T00:00:00+02:00');
    expect(formatInstant(startOfLocalDay('2026-10-26', 'Europe/Berlin'), 'Europe/Berlin')).toBe('2026-10-26T00:00:00+01:00');
    // Chile springs forward at 24:00: 2026-09-06 begins at 01:00 -03:00.
    expect(formatInstant(startOfLocalDay('2026-09-06', 'America/Santiago'), 'America/Santiago')).toBe('2026-09-06T01:00:00-03:00');
    expect(new Date(startOfLocalDay('2026-04-05', 'America/Santiago')).toISOString()).toBe('2026-04-05T04:00:00.000Z');
    expect(formatInstant(startOfLocalDay('2026-04-05', 'Pacific/Chatham'), 'Pacific/Chatham')).toBe('2026-04-05T00:00:00+13:45');
    expect(formatInstant(startOfLocalDay('2026-01-01', 'Asia/Kolkata'), 'Asia/Kolkata')).toBe('2026-01-01T00:00:00+05:30');
  });

  it('formats instants with the offset and milliseconds only when present', () => {
    expect(formatInstant(Date.parse('2026-07-01T10:00:00.250Z'), 'America/New_York')).toBe('2026-07-01T06:00:00.250-04:00');
    expect(formatInstant(Date.parse('2026-07-01T10:00:00Z'), 'UTC')).toBe('2026-07-01T10:00:00+00:00');
    expect(localDateOf('Asia/Tokyo', Date.parse('2026-12-31T15:00:00Z'))).toBe('2027-01-01');
  });

  it('validates zone names', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});

describe('calendarOf', () => {
  it('gives the local date, month-day, ISO weekday and month in a non-UTC zone', () => {
    // 02:00 UTC on New Year's Day is still Wednesday 31 December in New York.
    expect(calendarOf('2026-01-01T02:00:00Z', 'America/New_York')).toEqual({ date: '2025-12-31', monthDay: '12-31', weekday: 3, month: 12 });
    expect(calendarOf('2026-01-01T02:00:00Z', 'UTC')).toEqual({ date: '2026-01-01', monthDay: '01-01', weekday: 4, month: 1 });
    expect(calendarOf('2026-01-04T20:00:00-05:00', 'Asia/Tokyo')).toEqual({ date: '2026-01-05', monthDay: '01-05', weekday: 1, month: 1 });
    expect(calendarOf('2028-02-29T23:30:00+00:00', 'Europe/London')).toMatchObject({ monthDay: '02-29', weekday: 2 });
  });

  it('shares one frozen calendar per local day and zone', () => {
    const a = calendarOf('2026-05-01T00:30:00+02:00', 'Europe/Berlin');
    expect(calendarOf('2026-05-01T23:59:59+02:00', 'Europe/Berlin')).toBe(a);
    expect(calendarOf('2026-04-30T23:59:59+02:00', 'Europe/Berlin')).not.toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('names the field of a bad instant', () => {
    expect(() => calendarOf('yesterday', 'UTC')).toThrow(FactsInputError);
    expect(() => calendarOf('yesterday', 'UTC')).toThrow(/^occurredAt: /);
  });
});
