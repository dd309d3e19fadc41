import { describe, expect, it } from 'vitest';
import type { PurchaseEvent } from '@incentive/events';
import type { CouponDoc } from '@incentive/ledger';
import { decideRedemption } from './redemption-applier.js';

const coupon: CouponDoc = {
  _id: 'CODE',
  display: 'CODE',
  customerId: 'c-1',
  rewardId: 'r',
  ruleId: 'rule',
  percentOff: 10,
  minSpend: 20,
  issuedAt: new Date('2026-03-01T00:00:00Z'),
  expiresAt: new Date('2026-04-01T00:00:00Z'),
  status: 'issued',
};
const purchase = (over: Partial<PurchaseEvent> = {}, amount = 50): PurchaseEvent => ({
  id: 'p-1',
  type: 'purchase',
  customerId: 'c-1',
  occurredAt: '2026-03-15T10:00:00Z',
  data: { orderId: 'o-1', amount, currency: 'EUR', couponCodes: ['CODE'] },
  ...over,
});

describe('decideRedemption', () => {
  it('accepts a valid coupon and rejects each failure with its reason', () => {
    expect(decideRedemption(coupon, purchase())).toEqual({ status: 'accepted' });
    expect(decideRedemption(null, purchase())).toEqual({ status: 'rejected', reason: 'unknown_code' });
    expect(decideRedemption(coupon, purchase({ customerId: 'c-2' }))).toEqual({ status: 'rejected', reason: 'other_customer' });
    expect(decideRedemption(coupon, purchase({}, 19.99))).toEqual({ status: 'rejected', reason: 'below_min_spend' });
    expect(decideRedemption({ ...coupon, status: 'void' }, purchase())).toEqual({ status: 'rejected', reason: 'void' });
    expect(decideRedemption({ ...coupon, status: 'redeemed', redeemedEventId: 'p-0' }, purchase())).toEqual({ status: 'rejected', reason: 'already_redeemed' });
  });

  it('judges expiry at event time, not wall time', () => {
    expect(decideRedemption(coupon, purchase({ occurredAt: '2026-03-31T23:59:59Z' }))).toEqual({ status: 'accepted' });
    expect(decideRedemption(coupon, purchase({ occurredAt: '2026-04-01T00:00:00Z' }))).toEqual({ status: 'rejected', reason: 'expired' });
  });

  it('a redelivered purchase that already redeemed the coupon is accepted again (idempotent)', () => {
    expect(decideRedemption({ ...coupon, status: 'redeemed', redeemedEventId: 'p-1' }, purchase())).toEqual({ status: 'accepted' });
  });
});
