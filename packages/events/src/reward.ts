import { z } from 'zod';
import { literal, meta, num, object, optional, pattern, str } from './field.js';
import { currency, customerId, eventId, money, positiveInt, timestamp } from './primitives.js';
import { byDiscriminator, parseJsonWith, parseWith } from './validate.js';
import type { ParseResult } from './errors.js';

export const REWARD_KINDS = ['points', 'coupon', 'gift', 'badge', 'clawback'] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];

function reward<const K extends RewardKind, S extends Parameters<typeof object>[0]>(kind: K, fields: S) {
  return {
    /** Deterministic from (ruleId, sourceEventId, index): a replay yields the same id. */
    rewardId: str(1, 256),
    ruleId: str(1, 128),
    /** Content hash of the ruleset that produced the reward. */
    rulesetVersion: str(1, 128),
    customerId,
    sourceEventId: eventId,
    kind: literal(kind),
    /** Equal to the source event's occurredAt. */
    issuedAt: timestamp,
    expiresAt: optional(timestamp),
    message: optional(str(1, 2000)),
    ...fields,
  };
}

const points = meta(
  object(
    reward('points', {
      points: positiveInt,
      orderId: optional(str(1, 128)),
      /** Purchase amount the points were earned on (used for pro-rata clawback). */
      orderAmount: optional(money),
    }),
  ),
  { title: 'points reward' },
);

const coupon = meta(
  object(
    reward('coupon', {
      percentOff: optional(num({ min: 0, exclusiveMin: true, max: 100 })),
      amountOff: optional(money),
      currency: optional(currency),
      minSpend: optional(money),
      validDays: positiveInt,
      codePrefix: optional(pattern(/^[A-Z0-9-]{1,16}$/, 'must be 1-16 of A-Z 0-9 -')),
    }),
    (v) => {
      const issues: { path: string; message: string }[] = [];
      if ((v.percentOff === undefined) === (v.amountOff === undefined)) {
        issues.push({ path: 'percentOff', message: 'exactly one of percentOff or amountOff is required' });
      }
      if (v.amountOff !== undefined && v.currency === undefined) issues.push({ path: 'currency', message: 'is required with amountOff' });
      return issues;
    },
  ),
  { title: 'coupon reward', description: 'percentOff, or amountOff with currency' },
);

const gift = meta(object(reward('gift', { sku: str(1, 128), name: str(1, 256) })), { title: 'gift reward' });

const badge = meta(object(reward('badge', { badge: str(1, 128) })), { title: 'badge reward' });

const clawback = meta(
  object(
    reward('clawback', {
      orderId: str(1, 128),
      /** Refunded amount; fulfillment reverses the points earned on `orderId` pro rata. */
      amount: money,
      currency,
    }),
  ),
  { title: 'clawback reward', description: 'Reverse, pro rata, the points earned on orderId' },
);

export const PointsRewardSchema = points.zod;
export const CouponRewardSchema = coupon.zod;
export const GiftRewardSchema = gift.zod;
export const BadgeRewardSchema = badge.zod;
export const ClawbackRewardSchema = clawback.zod;

export const RewardSchema = z
  .discriminatedUnion('kind', [PointsRewardSchema, CouponRewardSchema, GiftRewardSchema, BadgeRewardSchema, ClawbackRewardSchema])
  .meta({ title: 'Reward', description: 'A reward decided by the rules engine, published to incentive.rewards' });

export type PointsReward = z.infer<typeof PointsRewardSchema>;
export type CouponReward = z.infer<typeof CouponRewardSchema>;
export type GiftReward = z.infer<typeof GiftRewardSchema>;
export type BadgeReward = z.infer<typeof BadgeRewardSchema>;
export type ClawbackReward = z.infer<typeof ClawbackRewardSchema>;
export type Reward = PointsReward | CouponReward | GiftReward | BadgeReward | ClawbackReward;

export const rewardValidators = { points, coupon, gift, badge, clawback };

const pickReward = byDiscriminator<Reward>('kind', rewardValidators);

export function parseReward(input: unknown): ParseResult<Reward> {
  return parseWith(input, pickReward);
}

export function parseRewardJson(text: string | Uint8Array): ParseResult<Reward> {
  return parseJsonWith(text, pickReward);
}
