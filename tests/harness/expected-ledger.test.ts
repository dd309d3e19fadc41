import { describe, expect, it } from 'vitest';
import type { Reward } from '@incentive/events';
import { expectedLedger } from './expected-ledger.js';

const base = { rulesetVersion: 'v1', customerId: 'c1', issuedAt: '2010-12-01T10:00:00+00:00' };
const points = (id: string, n: number, orderId?: string, orderAmount?: number): Reward =>
  ({ ...base, rewardId: id, ruleId: 'base', sourceEventId: `e-${id}`, kind: 'points', points: n, ...(orderId ? { orderId, orderAmount } : {}) }) as Reward;
const clawback = (id: string, orderId: string, amount: number): Reward =>
  ({ ...base, rewardId: id, ruleId: 'refund', sourceEventId: `r-${id}`, kind: 'clawback', orderId, amount, currency: 'GBP' }) as Reward;

describe('expectedLedger', () => {
  it('reverses points pro rata to the cumulative refund, never more than earned, and chains balances', () => {
    const l = expectedLedger([
      points('p1', 100, 'o1', 30),
      points('p2', 33, 'o1', 30),
      clawback('k1', 'o1', 10), // floor(133 × 10/30) = 44
      clawback('k2', 'o1', 10), // floor(133 × 20/30) = 88 → 44 more
      clawback('k3', 'o1', 50), // capped at the order: 133 → 45 more
      clawback('k4', 'o1', 5), // nothing left
    ]);
    expect(l.entries.map((e) => [e.entryId, e.points, e.balanceAfter, e.seq])).toEqual([
      ['p1:earn', 100, 100, 1],
      ['p2:earn', 33, 133, 2],
      ['k1:clawback', -44, 89, 3],
      ['k2:clawback', -44, 45, 4],
      ['k3:clawback', -45, 0, 5],
    ]);
    expect(l.rewards.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied', 'noop']);
    expect(l.wallets).toEqual([{ _id: 'c1', points: 0, badges: [], headSeq: 5 }]);
  });

  it('a refund of an order without points is a no-op; coupons expire validDays after issue unless expiresAt is given', () => {
    const l = expectedLedger([
      clawback('k1', 'unknown', 10),
      { ...base, rewardId: 'c1', ruleId: 'welcome', sourceEventId: 's', kind: 'coupon', percentOff: 10, validDays: 30 } as Reward,
      { ...base, rewardId: 'g1', ruleId: 'gift', sourceEventId: 's', kind: 'gift', sku: 'SKU', name: 'Gift' } as Reward,
      { ...base, rewardId: 'b1', ruleId: 'streak', sourceEventId: 's', kind: 'badge', badge: 'streak' } as Reward,
      { ...base, rewardId: 'b2', ruleId: 'tier', sourceEventId: 's', kind: 'badge', badge: 'tier:gold' } as Reward,
    ]);
    expect(l.rewards[0]!.status).toBe('noop');
    expect(l.entries).toEqual([]);
    expect(l.coupons[0]).toMatchObject({ rewardId: 'c1', percentOff: 10, expiresAt: '2010-12-31T10:00:00.000Z', status: 'issued' });
    expect(l.gifts).toEqual([{ _id: 'g1', customerId: 'c1', sku: 'SKU', name: 'Gift', status: 'pending', requestedAt: '2010-12-01T10:00:00.000Z' }]);
    expect(l.wallets).toEqual([{ _id: 'c1', points: 0, badges: ['streak'], tier: 'gold', headSeq: 0 }]);
  });
});
