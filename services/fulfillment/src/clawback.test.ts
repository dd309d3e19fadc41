import { describe, expect, it } from 'vitest';
import { planClawback, remainingByEarn } from './clawback.js';

const earn = (entryId: string, points: number, orderAmount: number | null = 200) => ({ entryId, points, orderAmount });

describe('planClawback', () => {
  it('reverses pro rata to the refunded amount, floored', () => {
    // 45.50 of 200.00 refunded on 333 points: floor(333 × 0.2275) = 75
    expect(planClawback([earn('r1:earn', 333)], [], 45.5)).toEqual({ ok: true, points: 75, links: [{ entryId: 'r1:earn', points: 75 }] });
  });

  it('never reverses more than was earned across several partial refunds', () => {
    const earns = [earn('a:earn', 7), earn('b:earn', 3)];
    const first = planClawback(earns, [], 100);
    expect(first).toEqual({ ok: true, points: 5, links: [{ entryId: 'a:earn', points: 5 }] });
    const second = planClawback(earns, [{ entryId: 'x', rewardId: 'x', points: 5, refunded: 100 }], 150);
    expect(second).toEqual({ ok: true, points: 5, links: [{ entryId: 'a:earn', points: 2 }, { entryId: 'b:earn', points: 3 }] });
    const third = planClawback(earns, [{ entryId: 'x', rewardId: 'x', points: 5, refunded: 100 }, { entryId: 'y', rewardId: 'y', points: 5, refunded: 150 }], 10);
    expect(third).toEqual({ ok: false, reason: 'nothing_left_to_reverse' });
  });

  it('rounds on the cumulative refund: two halves reverse what one full refund would', () => {
    const earns = [earn('a:earn', 5, 10)];
    const one = planClawback(earns, [], 5);
    expect(one).toMatchObject({ ok: true, points: 2 });
    const two = planClawback(earns, [{ entryId: 'c1', rewardId: 'c1', points: 2, refunded: 5 }], 5);
    expect(two).toMatchObject({ ok: true, points: 3 });
  });

  it('tags orders without points or without an amount', () => {
    expect(planClawback([], [], 10)).toEqual({ ok: false, reason: 'no_points_earned_on_order' });
    expect(planClawback([earn('a', 10, null)], [], 10)).toEqual({ ok: false, reason: 'order_amount_unknown' });
  });

  it('never reverses points that expired: the reversal is capped by what is left', () => {
    const earns = [earn('a:earn', 100), earn('b:earn', 50)];
    // a expired entirely: a full refund can only reverse b.
    const expired = [{ entryId: 'a:earn:expire', earnEntryId: 'a:earn', points: 100 }];
    expect(planClawback(earns, [], 200, expired)).toEqual({ ok: true, points: 50, links: [{ entryId: 'b:earn', points: 50 }] });
    // Half refunded before expiry (75 reversed from a), then the 25 left of a expired: the second
    // half reverses only what b still holds.
    const first = planClawback(earns, [], 100);
    expect(first).toEqual({ ok: true, points: 75, links: [{ entryId: 'a:earn', points: 75 }] });
    const claw = [{ entryId: 'c1', rewardId: 'c1', points: 75, refunded: 100, links: [{ entryId: 'a:earn', points: 75 }] }];
    const afterExpiry = planClawback(earns, claw, 100, [{ entryId: 'a:earn:expire', earnEntryId: 'a:earn', points: 25 }]);
    expect(afterExpiry).toEqual({ ok: true, points: 50, links: [{ entryId: 'b:earn', points: 50 }] });
    // Everything expired: nothing to reverse.
    const all = [{ entryId: 'a:earn:expire', earnEntryId: 'a:earn', points: 100 }, { entryId: 'b:earn:expire', earnEntryId: 'b:earn', points: 50 }];
    expect(planClawback(earns, [], 200, all)).toEqual({ ok: false, reason: 'nothing_left_to_reverse' });
  });

  it('clawback links drive what is left; index documents without links count oldest first', () => {
    const earns = [earn('a:earn', 10), earn('b:earn', 10)];
    expect(remainingByEarn(earns, [{ entryId: 'c', rewardId: 'c', points: 4, refunded: 1, links: [{ entryId: 'b:earn', points: 4 }] }])).toEqual([10, 6]);
    expect(remainingByEarn(earns, [{ entryId: 'c', rewardId: 'c', points: 14, refunded: 1 }])).toEqual([0, 6]);
  });
});
