import { describe, expect, it } from 'vitest';
import { addDays, civilFromDays, daysFromCivil, isoWeekIndex, parseInstant, weekdayOfDays } from './time.js';

describe('parseInstant', () => {
  it('agrees with Date.parse on RFC 3339 forms with offsets and fractions', () => {
    for (const s of [
      '2026-01-01T00:00:00Z',
      '2026-01-01t00:00:00z',
      '2024-02-29T23:59:59.999+05:30',
      '1999-12-31T23:00:00.5-08:00',
      '2026-03-29T01:59:59.123456+01:00',
      '2000-02-29 12:00:00+00:00',
    ]) {
      expect(parseInstant(s), s).toBe(Date.parse(s.replace(' ', 'T').replace(/(\.\d{3})\d+/, '$1')));
    }
  });

  it('equals Date.parse on every date-time it accepts (the pipeline relies on it for rule windows and expiry)', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const p2 = (n: number) => String(n).padStart(2, '0');
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const fraction = ['', `.${rand(10)}`, `.${String(rand(1000)).padStart(3, '0')}`, `.${String(rand(1e6)).padStart(6, '0')}`][rand(4)];
      const offset = rand(3) === 0 ? 'Z' : `${rand(2) ? '+' : '-'}${p2(rand(24))}:${p2(rand(60))}`;
      // Days up to 31 in every month: impossible dates must be refused by parseInstant, not shifted.
      const s = `${String(rand(10_000)).padStart(4, '0')}-${p2(1 + rand(12))}-${p2(1 + rand(31))}T${p2(rand(24))}:${p2(rand(60))}:${p2(rand(60))}${fraction}${offset}`;
      const ms = parseInstant(s);
      if (Number.isNaN(ms)) continue;
      accepted++;
      expect(ms, s).toBe(Date.parse(s));
    }
    expect(accepted).toBeGreaterThan(18_000);
  });

  it('returns NaN for text that is not an RFC 3339 date-time with offset', () => {
    for (const s of ['2026-01-01', '2026-01-01T00:00:00', '2026-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:00:00.Z', '2026-01-01T00:00:00+0100', 'x026-01-01T00:00:00Z', '2026-01-01T00:00:00Zjunk']) {
      expect(parseInstant(s), s).toBeNaN();
    }
  });
});

describe('civil day arithmetic', () => {
  it('round-trips days and matches Date.UTC over four centuries', () => {
    for (let d = daysFromCivil(1900, 1, 1); d < daysFromCivil(2300, 1, 1); d += 17) {
      const c = civilFromDays(d);
      expect(daysFromCivil(c.year, c.month, c.day)).toBe(d);
      expect(Date.UTC(c.year, c.month - 1, c.day)).toBe(d * 86_400_000);
    }
  });

  it('knows weekdays (ISO 1 = Monday) and adds days across leap years', () => {
    expect(weekdayOfDays(0)).toBe(4); // 1970-01-01 Thursday
    expect(weekdayOfDays(daysFromCivil(2026, 11, 22))).toBe(7);
    expect(weekdayOfDays(daysFromCivil(1969, 12, 29))).toBe(1);
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(() => addDays('2026-02-30', 1)).toThrow(/YYYY-MM-DD/);
  });

  it('isoWeekIndex changes exactly at Monday 00:00 UTC', () => {
    const sunday = Date.parse('2027-01-03T23:59:59.999Z');
    const monday = Date.parse('2027-01-04T00:00:00Z');
    expect(isoWeekIndex(monday) - isoWeekIndex(sunday)).toBe(1);
    expect(isoWeekIndex(Date.parse('2026-12-28T00:00:00Z'))).toBe(isoWeekIndex(sunday));
  });
});
