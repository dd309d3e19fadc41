import type { IncentiveEvent } from '@incentive/events';
import { describe, expect, it } from 'vitest';
import { createLeaderboardTracker, leaderboardClosedEvent, leaderboardMonthClosedAt, rankLeaderboard } from './leaderboard.js';
import { parseScheduleConfig } from './schedule-config.js';

let seq = 0;
function purchase(customerId: string, occurredAt: string, amount: number, orderId: string): IncentiveEvent {
  return { id: `p${++seq}`, type: 'purchase', customerId, occurredAt, data: { orderId, amount, currency: 'GBP' } } as IncentiveEvent;
}
function refund(customerId: string, occurredAt: string, amount: number, orderId: string): IncentiveEvent {
  return { id: `r${++seq}`, type: 'refund', customerId, occurredAt, data: { orderId, amount, currency: 'GBP' } } as IncentiveEvent;
}

describe('rankLeaderboard', () => {
  it('ranks by spend descending, ties by customer id, only positive spend, at most N', () => {
    const ranked = rankLeaderboard(
      [
        { customerId: 'z', minor: 500 },
        { customerId: 'b', minor: 900 },
        { customerId: 'a', minor: 500 },
        { customerId: 'neg', minor: -100 },
        { customerId: 'zero', minor: 0 },
      ],
      3,
    );
    expect(ranked).toEqual([
      { customerId: 'b', minor: 900, rank: 1 },
      { customerId: 'a', minor: 500, rank: 2 },
      { customerId: 'z', minor: 500, rank: 3 },
    ]);
  });

  it('builds the scheduler id clock:leaderboard:<YYYY-MM>:<rank> with spend in major units', () => {
    const e = leaderboardClosedEvent('2026-02', { customerId: 'c9', minor: 12345, rank: 2 }, '2026-03-01T00:00:00+00:00');
    expect(e).toEqual({
      id: 'clock:leaderboard:2026-02:2',
      type: 'leaderboard.closed',
      customerId: 'c9',
      occurredAt: '2026-03-01T00:00:00+00:00',
      source: 'scheduler',
      data: { month: '2026-02', rank: 2, spend: 123.45 },
    });
  });

  it('closes the previous month on the 1st only, across the year end', () => {
    expect(leaderboardMonthClosedAt('2011-01-01')).toBe('2010-12');
    expect(leaderboardMonthClosedAt('2011-03-01')).toBe('2011-02');
    expect(leaderboardMonthClosedAt('2011-03-02')).toBeNull();
  });
});

describe('createLeaderboardTracker', () => {
  const schedule = parseScheduleConfig({ timezone: 'Europe/London', inactivityDays: [30], leaderboardSize: 2 });

  it('ranks net spend of the closed month at the first tick of the next, a refund lowering its order month', () => {
    const t = createLeaderboardTracker(schedule);
    t.apply(purchase('a', '2026-01-10T10:00:00Z', 100, 'o1'));
    t.apply(purchase('b', '2026-01-11T10:00:00Z', 80.5, 'o2'));
    t.apply(purchase('c', '2026-01-12T10:00:00Z', 90, 'o3'));
    t.apply(purchase('c', '2026-01-31T23:30:00Z', 5, 'o4'));
    t.apply(purchase('a', '2026-02-02T10:00:00Z', 500, 'o5')); // February, not January
    t.apply(refund('a', '2026-02-03T10:00:00Z', 30, 'o1')); // lowers January: a = 70
    t.apply(refund('b', '2026-02-03T10:00:00Z', 1000, 'unknown')); // unknown order: its own month (February)
    expect(t.closeAt('2026-01-31')).toEqual([]);
    const closed = t.closeAt('2026-02-01');
    expect(closed.map((e) => [e.id, e.customerId, e.data, e.occurredAt])).toEqual([
      ['clock:leaderboard:2026-01:1', 'c', { month: '2026-01', rank: 1, spend: 95 }, '2026-02-01T00:00:00+00:00'],
      ['clock:leaderboard:2026-01:2', 'b', { month: '2026-01', rank: 2, spend: 80.5 }, '2026-02-01T00:00:00+00:00'],
    ]);
    // A month closes once; a late refund of a closed month's order changes nothing and does not leak into February.
    t.apply(refund('c', '2026-02-05T10:00:00Z', 95, 'o3'));
    expect(t.closeAt('2026-02-01')).toEqual([]);
    expect(t.closeAt('2026-03-01').map((e) => [e.customerId, e.data.spend])).toEqual([['a', 500]]);
  });

  it('uses the schedule zone for the month and the tick instant (summer time)', () => {
    const t = createLeaderboardTracker(schedule);
    // 23:30Z on 31 May is 00:30 on 1 June in London.
    t.apply(purchase('a', '2026-05-31T23:30:00Z', 10, 'o1'));
    expect(t.closeAt('2026-06-01')).toEqual([]);
    const [e] = t.closeAt('2026-07-01');
    expect(e?.id).toBe('clock:leaderboard:2026-06:1');
    expect(e?.occurredAt).toBe('2026-07-01T00:00:00+01:00');
  });

  it('defaults to the top 10 and leaderboardSize 0 turns it off', () => {
    const ten = createLeaderboardTracker(parseScheduleConfig({ timezone: 'UTC', inactivityDays: [] }));
    const off = createLeaderboardTracker(parseScheduleConfig({ timezone: 'UTC', inactivityDays: [], leaderboardSize: 0 }));
    for (let i = 0; i < 12; i++) {
      const p = purchase(`c${String(i).padStart(2, '0')}`, '2026-01-05T10:00:00Z', 10 + i, `o${i}`);
      ten.apply(p);
      off.apply(p);
    }
    const top = ten.closeAt('2026-02-01');
    expect(top).toHaveLength(10);
    expect(top[0]?.customerId).toBe('c11');
    expect(off.closeAt('2026-02-01')).toEqual([]);
  });

  it('schedule.json leaderboardSize must be an integer 0..10000', () => {
    expect(() => parseScheduleConfig({ timezone: 'UTC', inactivityDays: [], leaderboardSize: -1 })).toThrow(/leaderboardSize/);
    expect(() => parseScheduleConfig({ timezone: 'UTC', inactivityDays: [], leaderboardSize: 2.5 })).toThrow(/leaderboardSize/);
  });
});
