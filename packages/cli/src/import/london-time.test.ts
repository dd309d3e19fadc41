import { describe, expect, it } from 'vitest';
import { ukLocalToRfc3339 } from './london-time.js';

const londonFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Europe/London wall clock of an instant, via Intl (the reference). */
function londonWall(instant: number): string {
  const parts = Object.fromEntries(londonFormat.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

describe('ukLocalToRfc3339', () => {
  it.each([
    ['2010-12-01 08:26:00', '2010-12-01T08:26:00+00:00'],
    ['2011-03-26 12:00:00', '2011-03-26T12:00:00+00:00'],
    ['2011-03-27 00:59:00', '2011-03-27T00:59:00+00:00'],
    ['2011-03-27 02:00:00', '2011-03-27T02:00:00+01:00'],
    ['2011-03-27 10:16:00', '2011-03-27T10:16:00+01:00'],
    ['2011-06-15 14:05', '2011-06-15T14:05:00+01:00'],
    ['2011-10-30 00:30:00', '2011-10-30T00:30:00+01:00'],
    ['2011-10-30 02:00:00', '2011-10-30T02:00:00+00:00'],
    ['2011-10-30 10:18:00', '2011-10-30T10:18:00+00:00'],
    ['2011-12-09 12:50:00', '2011-12-09T12:50:00+00:00'],
  ])('%s → %s', (local, expected) => {
    expect(ukLocalToRfc3339(local)).toBe(expected);
  });

  it('reads the skipped spring hour as GMT and the repeated autumn hour as BST (its first occurrence)', () => {
    expect(ukLocalToRfc3339('2011-03-27 01:30:00')).toBe('2011-03-27T01:30:00+00:00');
    expect(ukLocalToRfc3339('2011-10-30 01:30:00')).toBe('2011-10-30T01:30:00+01:00');
  });

  it('agrees with Intl Europe/London for every quarter hour of 2010-2012', { timeout: 30_000 }, () => {
    const step = 15 * 60_000;
    let checked = 0;
    for (let t = Date.UTC(2010, 0, 1); t < Date.UTC(2013, 0, 1); t += step) {
      const wall = londonWall(t);
      const converted = ukLocalToRfc3339(wall)!;
      // Every real instant's wall time must convert back to that instant, except the second
      // pass through the repeated autumn hour, which reads as the first pass (one hour earlier).
      const back = Date.parse(converted);
      if (back !== t) expect([back, wall]).toEqual([t - 3_600_000, wall]);
      checked++;
    }
    expect(checked).toBe(3 * 365 * 96 + 96);
  });

  it.each(['2011-02-29 10:00:00', '2011-13-01 10:00:00', '2011-01-01 24:00:00', '01/12/2010 08:26', ''])('rejects %j', (text) => {
    expect(ukLocalToRfc3339(text)).toBeUndefined();
  });
});
