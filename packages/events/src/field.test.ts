import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { eventValidators } from './events.js';
import { INVALID, type Fast } from './field.js';
import { notificationValidator } from './notification.js';
import { rewardValidators } from './reward.js';
import type { z } from 'zod';

// The fast validators must agree with the zod reference on every input: same verdict, same
// (stripped) value. Mutate valid documents at random paths with awkward values and compare.

const at = '2026-03-29T01:30:00+01:00';
const env = { id: 'e1', customerId: 'c1', occurredAt: at, source: 's' };
const rw = { rewardId: 'r1', ruleId: 'rule', rulesetVersion: 'v1', customerId: 'c1', sourceEventId: 'e1', issuedAt: at, expiresAt: at, message: 'hi' };

const samples: [string, { zod: z.ZodType; fast: Fast<unknown>; exact: Fast<unknown> }, unknown][] = [
  ['purchase', eventValidators.purchase, { ...env, type: 'purchase', data: { orderId: 'o', amount: 10.5, currency: 'GBP', items: [{ sku: 'a', category: 'c', quantity: 2, unitPrice: 5.25 }, { sku: 'b', quantity: 1, unitPrice: 0 }], couponCodes: ['X'], channel: 'web' } }],
  ['refund', eventValidators.refund, { ...env, type: 'refund', data: { orderId: 'o', amount: 1, currency: 'EUR' } }],
  ['signup', eventValidators.signup, { ...env, type: 'signup', data: { email: 'a@b.c', birthday: '--02-29', country: 'GB', referrerId: 'r' } }],
  ['referral', eventValidators.referral, { ...env, type: 'referral', data: { referrerId: 'r' } }],
  ['birthday', eventValidators.birthday, { ...env, type: 'birthday', data: { monthDay: '12-31', year: 2026 } }],
  ['inactivity', eventValidators.inactivity, { ...env, type: 'inactivity', data: { days: 30, lastPurchaseAt: at } }],
  ['referral.credited', eventValidators['referral.credited'], { ...env, type: 'referral.credited', data: { refereeId: 'x', sourceEventId: 'e0' } }],
  ['leaderboard.closed', eventValidators['leaderboard.closed'], { ...env, type: 'leaderboard.closed', data: { month: '2026-01', rank: 3, spend: 99.99 } }],
  ['points', rewardValidators.points, { ...rw, kind: 'points', points: 10, orderId: 'o', orderAmount: 10.5 }],
  ['coupon %', rewardValidators.coupon, { ...rw, kind: 'coupon', percentOff: 10, minSpend: 20, validDays: 14, codePrefix: 'WB-' }],
  ['coupon amount', rewardValidators.coupon, { ...rw, kind: 'coupon', amountOff: 5, currency: 'GBP', validDays: 7 }],
  ['gift', rewardValidators.gift, { ...rw, kind: 'gift', sku: 'g', name: 'Gift' }],
  ['badge', rewardValidators.badge, { ...rw, kind: 'badge', badge: 'b' }],
  ['clawback', rewardValidators.clawback, { ...rw, kind: 'clawback', orderId: 'o', amount: 3.5, currency: 'GBP' }],
  ['notification', notificationValidator, { customerId: 'c1', kind: 'reward.issued', template: 't', payload: { a: 1 }, rewardId: 'r1' }],
];

const DELETE = Symbol('delete');
const awkward: unknown[] = [
  DELETE, undefined, null, true, 0, -0, 1, -1, 1.5, 0.29, 1.005, 100, 100.01, 2 ** 53, 2 ** 60, 1e-7, 9007199254740991,
  '', 'x', 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(128), 'x'.repeat(129), 'x'.repeat(257), 'a b', 'GBP', 'gbp', 'GB',
  '2026-02-29T00:00:00Z', '2028-02-29T23:59:59.999-12:00', '2026-01-01T24:00:00Z', '2026-01-01T00:00:00+01', '2026-01-01',
  '--02-29', '--02-30', '1991-02-29', '1899-12-31', '02-29', '13-01', '2026-00', '2026-12', 'a@b', '@b', 'A-Z0', 'a-z',
  [], [1], ['x'], [{}], {}, { sku: 's', quantity: 1, unitPrice: 1 }, { nested: { x: 1 } },
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function containers(v: unknown, out: (Record<string, unknown> | unknown[])[] = []): (Record<string, unknown> | unknown[])[] {
  if (typeof v === 'object' && v !== null) {
    out.push(v as Record<string, unknown>);
    for (const child of Object.values(v)) containers(child, out);
  }
  return out;
}

describe('fast validators agree with the zod reference', () => {
  it('the exact variant returns the input itself when it has no unknown keys, else INVALID without touching it', () => {
    const doc = structuredClone(samples[0]![2]) as Record<string, unknown>;
    expect(eventValidators.purchase.exact(doc)).toBe(doc);
    for (const extra of [{ ...doc, data: { ...(doc.data as object), note: 'x' } }, { ...doc, extra: 1 }, JSON.parse(JSON.stringify(doc).replace('"sku":"a"', '"sku":"a","__proto__":{}'))]) {
      const before = JSON.stringify(extra);
      expect(eventValidators.purchase.exact(extra)).toBe(INVALID);
      expect(JSON.stringify(extra)).toBe(before);
      expect(eventValidators.purchase.fast(extra)).toStrictEqual(doc);
    }
  });

  it.each(samples)('%s: 3000 random mutations', (_name, validator, sample) => {
    const random = rng(_name.length * 7919 + 1);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    let rejected = 0;
    for (let n = 0; n < 3000; n++) {
      const doc = structuredClone(sample);
      const edits = 1 + Math.floor(random() * 2);
      for (let e = 0; e < edits; e++) {
        const target = pick(containers(doc));
        const keys = Object.keys(target);
        const key = random() < 0.1 || keys.length === 0 ? pick(['extra', 'amountOff', 'percentOff', 'currency', '0']) : pick(keys);
        const picked = pick(awkward);
        const value = picked === DELETE ? DELETE : structuredClone(picked);
        if (value === DELETE) delete (target as Record<string, unknown>)[key];
        else (target as Record<string, unknown>)[key] = value;
      }
      const fast = validator.fast(doc);
      const ref = validator.zod.safeParse(doc);
      if (ref.success !== (fast !== INVALID)) {
        throw new Error(`disagree on ${JSON.stringify(doc)}: zod ${ref.success ? 'accepts' : `rejects (${ref.error.issues[0]?.message})`}, fast ${fast === INVALID ? 'rejects' : 'accepts'}`);
      }
      if (ref.success) expect(fast).toStrictEqual(ref.data);
      else rejected++;
      // The exact variant (the JSON path) accepts what the copying one accepts when nothing had to
      // be stripped, returning the input itself; it rejects everything else and modifies nothing.
      const text = JSON.stringify(doc);
      const input: unknown = JSON.parse(text);
      const exact = validator.exact(input);
      const copied = validator.fast(JSON.parse(text));
      expect(JSON.stringify(input)).toBe(text);
      if (copied === INVALID) expect(exact).toBe(INVALID);
      // A free-form record (the notification payload) is never vouched for: always the guarded path.
      else if (isDeepStrictEqual(copied, JSON.parse(text)) && _name !== 'notification') expect(exact).toBe(input);
      else expect(exact).toBe(INVALID);
    }
    // The mutations must exercise both outcomes, or the comparison proves little.
    expect(rejected).toBeGreaterThan(300);
    expect(rejected).toBeLessThan(3000);
  });
});
