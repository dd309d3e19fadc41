import { describe, expect, it } from 'vitest';
import { BUCKETS, bucketOf, createSchedulerKeys } from './keys.js';

describe('scheduler keys', () => {
  it('carry one hash tag per bucket or the control tag, after the prefix', () => {
    const k = createSchedulerKeys('t_1:');
    expect(k.lastPurchase(3)).toBe('t_1:inc:{sched:3}:lastPurchase');
    expect(k.birthdays(3, '02-29')).toBe('t_1:inc:{sched:3}:bday:02-29');
    expect(k.leaderboard(15, '2026-02')).toBe('t_1:inc:{sched:15}:lb:2026-02');
    expect([k.lease(), k.fence(), k.lastTick(), k.ticks()].every((key) => key.startsWith('t_1:inc:{sched:ctl}:'))).toBe(true);
    expect(() => createSchedulerKeys('{x}')).toThrow(/must not contain/);
  });

  it('spreads customers over every bucket, stably', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(bucketOf(`cust-${i}`));
    expect(seen.size).toBe(BUCKETS);
    expect(bucketOf('12346')).toBe(bucketOf('12346'));
    // Pinned: a change would move every customer's index entries to another bucket.
    expect([bucketOf('a'), bucketOf('12346'), bucketOf('cust-1')]).toEqual([12, 1, 4]); // FNV-1a('a') = 0xe40c292c
  });
});
