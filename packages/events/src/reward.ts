import { z } from 'zod';
import { currency, customerId, eventId, money, positiveInt, shortString, timestamp } from './primitives.js';
import { parseJsonWith, parseWith } from './validate.js';
import type { ParseResult } from './errors.js';

export const REWARD_KINDS = ['points', 'coupon', 'gift', 'badge', 'clawback'] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];

const rewardCommon = {
  /** Deterministic from (ruleId, sourceEventId, index): a replay yields the same id. */
  rewardId: shortString(256),
  ruleId: shortString(128),
  /** Content hash of the ruleset that produced the reward. */
  rulesetVersion: shortString(128),
  customerId,
  sourceEventId: eventId,
  /** Equal to the source event's occurredAt. */
  issuedAt: timestamp,
  expiresAt: timestamp.optional(),
  message: shortString(2000).optional(),
};

export const PointsRewardSchema = z.object({
  ...rewardCommon,
  kind: z.literal('points'),
  points: positiveInt.max(Number.MAX_SAFE_INTEGER, { error: 'must be a safe integer' }),
  orderId: shortString(128).optional(),
  /** Purchase amount the points were earned on (used for pro-rata clawback). */
  orderAmount: money.optional(),
});

export const CouponRewardSchema = z
  .object({
    ...rewardCommon,
    kind: z.literal('coupon'),
    percentOff: z
      .number()
      .gt(0, { error: 'must be > 0' })
      .max(100, { error: 'must be <= 100' })
      .optional(),
    amountOff: money.optional(),
    currency: currency.optional(),
    minSpend: money.optional(),
    validDays: positiveInt,
    codePrefix: z
      .string()
      .regex(/^[A-Z0-9-]{1,16}$/, { error: 'must be 1-16 of A-Z 0-9 -' })
      .optional(),
  })
  .check((ctx) => {
    const v = ctx.value;
    if ((v.percentOff === undefined) === (v.amountOff === undefined)) {
      ctx.issues.push({ code: 'custom', input: v, path: ['percentOff'], message: 'exactly one of percentOff or amountOff is required' });
    }
    if (v.amountOff !== undefined && v.currency === undefined) {
      ctx.issues.push({ code: 'custom', input: v, path: ['currency'], message: 'is required with amountOff' });
    }
  });

export const GiftRewardSchema = z.object({
  ...rewardCommon,
  kind: z.literal('gift'),
  sku: shortString(128),
  name: shortString(256),
});

export const BadgeRewardSchema = z.object({
  ...rewardCommon,
  kind: z.literal('badge'),
  badge: shortString(128),
});

export const ClawbackRewardSchema = z.object({
  ...rewardCommon,
  kind: z.literal('clawback'),
  orderId: shortString(128),
  /** Refunded amount; fulfillment reverses the points earned on `orderId` pro rata. */
  amount: money,
  currency,
});

export const RewardSchema = z
  .discriminatedUnion('kind', [PointsRewardSchema, CouponRewardSchema, GiftRewardSchema, BadgeRewardSchema, ClawbackRewardSchema])
  .meta({ title: 'Reward', description: 'A reward decided by the rules engine, published to incentive.rewards' });

export type PointsReward = z.infer<typeof PointsRewardSchema>;
export type CouponReward = z.infer<typeof CouponRewardSchema>;
export type GiftReward = z.infer<typeof GiftRewardSchema>;
export type BadgeReward = z.infer<typeof BadgeRewardSchema>;
export type ClawbackReward = z.infer<typeof ClawbackRewardSchema>;
export type Reward = z.infer<typeof RewardSchema>;

const rewardSchemas = new Map<string, z.ZodType<Reward>>(Object.entries({
  points: PointsRewardSchema,
  coupon: CouponRewardSchema,
  gift: GiftRewardSchema,
  badge: BadgeRewardSchema,
  clawback: ClawbackRewardSchema,
}));

export function parseReward(input: unknown): ParseResult<Reward> {
  return parseWith(input, 'kind', rewardSchemas);
}

export function parseRewardJson(text: string | Uint8Array): ParseResult<Reward> {
  return parseJsonWith(text, 'kind', rewardSchemas);
}
