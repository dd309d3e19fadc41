import { describe, expect, it } from 'vitest';
import type { Reward } from '@incentive/events';
import type { ScheduleConfig } from '@incentive/facts';
import { createMemoryDueIndex } from '../../test/memory-due-index.js';
import { parseGrantMember } from '../redis/index-store.js';
import { noticeDaysOf } from '../service.js';
import { collectTickEvents, expiryNoticeId } from './collect-tick.js';
import { pointsGrantUpdateFor } from './index-update.js';
import { expiryWindow } from './tick-plan.js';

const LONDON: ScheduleConfig = { timezone: 'Europe/London', inactivityDays: [30], pointsExpireAfterDays: 365 };
const reward = (rewardId: string, customerId: string, points: number, expiresAt?: string): Reward => ({
  rewardId, ruleId: 'r', rulesetVersion: 'v', customerId, sourceEventId: `e-${rewardId}`, kind: 'points', points, issuedAt: '2026-01-01T00:00:00Z',
  ...(expiresAt ? { expiresAt } : {}),
});

describe('points expiry at ticks', () => {
  it('indexes points rewards that carry expiresAt, nothing else', () => {
    expect(pointsGrantUpdateFor(reward('g1', 'c1', 10, '2027-03-28T00:30:00+00:00'))).toEqual({ kind: 'pointsGrant', eventId: 'g1', customerId: 'c1', expiresMs: Date.parse('2027-03-28T00:30:00Z'), points: 10 });
    expect(pointsGrantUpdateFor(reward('g2', 'c1', 10))).toBeNull();
    expect(pointsGrantUpdateFor({ type: 'points.expire', id: 'x', customerId: 'c1', asOf: '2027-01-01T00:00:00Z' })).toBeNull();
  });

  it('windows of consecutive ticks tile the time line across DST (local midnights)', () => {
    const a = expiryWindow('2027-03-28', 'Europe/London');
    const b = expiryWindow('2027-03-29', 'Europe/London');
    expect(a.maxInclusive).toBe(b.minExclusive);
    expect(b.maxInclusive - b.minExclusive).toBe(23 * 3_600_000); // the day clocks go forward
  });

  it('one request per customer at the tick of expiry, one notice per customer noticeDays ahead, none when off', async () => {
    const index = createMemoryDueIndex();
    for (const r of [reward('g1', 'ann', 100, '2027-06-10T08:00:00Z'), reward('g2', 'ann', 50, '2027-06-10T22:00:00Z'), reward('g3', 'bob', 5, '2027-06-11T10:00:00Z')]) index.apply(pointsGrantUpdateFor(r)!);
    // 2027-06-10T22:00Z is 23:00 in London: still the local day 06-10, due at the 06-11 tick.
    const due = await collectTickEvents(index, LONDON, 0, '2027-06-11', { noticeDays: 14 });
    expect(due.expiryRequests).toEqual([{ type: 'points.expire', id: 'clock:points-expire:ann:2027-06-11', customerId: 'ann', asOf: '2027-06-11T00:00:00+01:00' }]);
    expect(due.counts).toMatchObject({ expiry: 1, expiryNotice: 0 });
    expect((await collectTickEvents(index, LONDON, 0, '2027-06-10', { noticeDays: 14 })).expiryRequests).toEqual([]);
    const notice = await collectTickEvents(index, LONDON, 0, '2027-05-28', { noticeDays: 14 });
    expect(notice.expiryNotices).toEqual([
      { customerId: 'ann', kind: 'points.expiring', template: 'points-expiring', rewardId: expiryNoticeId('ann', '2027-06-11'), payload: { points: 150, grants: 2, expiresOn: '2027-06-11', expiresAt: '2027-06-11T00:00:00+01:00', days: 14 } },
    ]);
    expect((await collectTickEvents(index, LONDON, 0, '2027-05-28', { noticeDays: 0 })).expiryNotices).toEqual([]);
    expect((await collectTickEvents(index, LONDON, 0, '2027-06-11')).expiryRequests).toEqual([]);
  });

  it('index members round-trip, customer ids cannot hold the separator', () => {
    expect(parseGrantMember('c-1|rw|with|bars|42', 7)).toEqual({ customerId: 'c-1', rewardId: 'rw|with|bars', points: 42, expiresMs: 7 });
    expect(parseGrantMember('garbage', 7)).toBeNull();
  });

  it('notice days: schedule.json wins over the env default and is validated', () => {
    expect(noticeDaysOf({ timezone: 'UTC' }, 14)).toBe(14);
    expect(noticeDaysOf({ pointsExpiryNoticeDays: 7 }, 14)).toBe(7);
    expect(() => noticeDaysOf({ pointsExpiryNoticeDays: -1 }, 14)).toThrow(/pointsExpiryNoticeDays/);
  });
});
