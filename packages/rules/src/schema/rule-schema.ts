import { z } from 'zod';
import { parseWindow } from './windows.js';

// The rule file format analysts write (rules/incentives/*.json, segments.json, tiers.json,
// schedule.json). Objects are strict so a misspelt field ("priorty") is reported, not ignored.
// Condition trees are checked separately (lint-conditions.ts) for precise pointers.

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const idString = z.string().regex(ID_PATTERN, { error: 'must be 1-64 of a-z 0-9 . _ - starting with a letter or digit' });
const text = (max: number) => z.string().min(1, { error: 'must not be empty' }).max(max, { error: `must be at most ${max} characters` });

const DATE_OR_DATETIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
export const dateOrDateTime = z
  .string()
  .regex(DATE_OR_DATETIME, { error: 'must be YYYY-MM-DD or an RFC 3339 date-time with offset' })
  .refine((s) => isRealDate(s.slice(0, 10)) && !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s)), {
    error: 'must be a real date',
  });

function isRealDate(ymd: string): boolean {
  const d = new Date(`${ymd}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === ymd;
}

export const windowString = z.string().superRefine((s, ctx) => {
  const r = parseWindow(s);
  if (!r.ok) ctx.addIssue({ code: 'custom', message: r.message });
});

const countLimit = z.strictObject({
  count: z.number().int({ error: 'must be an integer' }).min(1, { error: 'must be >= 1' }),
  window: windowString.default('lifetime'),
});

const budgetLimit = z.strictObject({
  points: z.number().int({ error: 'must be an integer' }).min(1, { error: 'must be >= 1' }),
  window: windowString.default('lifetime'),
});

export const limitsSchema = z.strictObject({
  perCustomer: countLimit.optional(),
  total: countLimit.optional(),
  /** Total points this rule may issue (all customers) per window. */
  budget: budgetLimit.optional(),
});

const message = text(2000).optional();
const positiveNumber = z.number().gt(0, { error: 'must be > 0' });
const money = z
  .number()
  .min(0, { error: 'must be >= 0' })
  .refine((x) => Number(x.toFixed(2)) === x, { error: 'must have at most 2 decimals' });

const pointsReward = z
  .strictObject({
    kind: z.literal('points'),
    points: z.number().int({ error: 'must be an integer' }).min(1, { error: 'must be >= 1' }).optional(),
    perUnit: positiveNumber.optional(),
    multiplier: positiveNumber.optional(),
    message,
  })
  .superRefine((v, ctx) => {
    if ((v.points === undefined) === (v.perUnit === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['points'], message: 'exactly one of points (fixed) or perUnit (per unit of purchase amount) is required' });
    }
    if (v.multiplier !== undefined && v.perUnit === undefined) {
      ctx.addIssue({ code: 'custom', path: ['multiplier'], message: 'multiplier only applies with perUnit' });
    }
  });

const couponReward = z
  .strictObject({
    kind: z.literal('coupon'),
    percentOff: z.number().gt(0, { error: 'must be > 0' }).max(100, { error: 'must be <= 100' }).optional(),
    amountOff: money.refine((x) => x > 0, { error: 'must be > 0' }).optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code (3 upper-case letters)' }).optional(),
    minSpend: money.optional(),
    validDays: z.number().int({ error: 'must be an integer' }).min(1, { error: 'must be >= 1' }).max(3650, { error: 'must be <= 3650' }),
    codePrefix: z.string().regex(/^[A-Z0-9-]{1,16}$/, { error: 'must be 1-16 of A-Z 0-9 -' }).optional(),
    message,
  })
  .superRefine((v, ctx) => {
    if ((v.percentOff === undefined) === (v.amountOff === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['percentOff'], message: 'exactly one of percentOff or amountOff is required' });
    }
    if (v.amountOff !== undefined && v.currency === undefined) {
      ctx.addIssue({ code: 'custom', path: ['currency'], message: 'is required with amountOff' });
    }
    if (v.percentOff !== undefined && v.amountOff === undefined && v.currency !== undefined && v.minSpend === undefined) {
      ctx.addIssue({ code: 'custom', path: ['currency'], message: 'only applies with amountOff or minSpend' });
    }
  });

const giftReward = z.strictObject({ kind: z.literal('gift'), sku: text(128), name: text(256), message });
const badgeReward = z.strictObject({ kind: z.literal('badge'), badge: text(128), message });
const clawbackReward = z.strictObject({ kind: z.literal('clawback'), message });

export const rewardSpecSchema = z.discriminatedUnion('kind', [pointsReward, couponReward, giftReward, badgeReward, clawbackReward], {
  error: (iss) => (iss.code === 'invalid_union' ? 'kind must be one of points, coupon, gift, badge, clawback' : undefined),
});

export const ruleSchema = z.strictObject({
  id: idString,
  description: text(1000).optional(),
  on: z.array(z.string()).min(1, { error: 'must list at least one event type' }),
  priority: z.number().int({ error: 'must be an integer' }).min(-1_000_000).max(1_000_000).default(0),
  enabled: z.boolean().default(true),
  activeFrom: dateOrDateTime.optional(),
  activeUntil: dateOrDateTime.optional(),
  group: idString.optional(),
  /** Checked by lint-conditions.ts. */
  conditions: z.unknown().refine((v) => v !== undefined, { error: 'is required (use {"all": []} for "always")' }),
  /** One reward or an array; each checked with rewardSpecSchema for precise pointers. */
  reward: z.unknown().refine((v) => v !== undefined, { error: 'is required' }),
  limits: limitsSchema.optional(),
});

export const ruleFileSchema = z.array(z.unknown(), { error: 'a rule file must be a JSON array of rules' });

export const segmentSchema = z.strictObject({
  id: idString,
  description: text(1000).optional(),
  conditions: z.unknown().refine((v) => v !== undefined, { error: 'is required' }),
});
export const segmentsFileSchema = z.array(segmentSchema, { error: 'segments.json must be a JSON array of segments' });

export const tierSchema = z.strictObject({
  id: idString,
  name: text(128).optional(),
  minSpend12m: money,
});
export const tiersFileSchema = z
  .array(tierSchema, { error: 'tiers.json must be a JSON array of tiers' })
  .min(1, { error: 'must define at least one tier' });

export const scheduleSchema = z.strictObject({
  timezone: z.string().refine(isTimeZone, { error: 'must be an IANA time zone such as "UTC" or "Europe/London"' }),
  inactivityDays: z.array(z.number().int({ error: 'must be an integer' }).min(1, { error: 'must be >= 1' })).default([]),
  pointsExpireAfterDays: z.number().int({ error: 'must be an integer' }).min(1, { error: 'must be >= 1' }).optional(),
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export type RewardSpec = z.infer<typeof rewardSpecSchema>;
export type PointsRewardSpec = z.infer<typeof pointsReward>;
export type CouponRewardSpec = z.infer<typeof couponReward>;
export type RuleDefinition = z.infer<typeof ruleSchema>;
export type RuleLimits = z.infer<typeof limitsSchema>;
export type SegmentDefinition = z.infer<typeof segmentSchema>;
export type TierDefinition = z.infer<typeof tierSchema>;
export type ScheduleDefinition = z.infer<typeof scheduleSchema>;

/** A zod issue as a sentence after the field's pointer ("is required" instead of zod's wording). */
export function issueMessage(issue: { code: string; message: string; input?: unknown }): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return issue.message;
}

/** zod issue path -> JSON pointer (RFC 6901). */
export function toPointer(path: readonly PropertyKey[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
