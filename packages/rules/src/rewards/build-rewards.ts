import type { IncentiveEvent, Reward } from '@incentive/events';
import type { Calendar, CustomerFacts } from '@incentive/facts';
import type { RewardTemplate, RuleSpec } from '../ruleset.js';
import { renderTemplate } from '../template/message-template.js';
import { formatIsoUtc } from './iso-time.js';
import { rewardIdOf } from './reward-id.js';

const DAY_MS = 86_400_000;

export interface RewardContext {
  event: IncentiveEvent;
  customer: CustomerFacts;
  calendar: Calendar;
  rulesetVersion: string;
  /** Points expire this many days after issue (schedule.json), when set. */
  pointsExpireAfterDays?: number | undefined;
}

/**
 * floor(amount × perUnit × multiplier), computed from the amount in minor units so that 0.29 × 100
 * does not floor to 28. Fixed points are returned as written.
 */
export function pointsFor(spec: Extract<RewardTemplate, { kind: 'points' }>, event: IncentiveEvent): number {
  if (spec.points !== undefined) return spec.points;
  if (event.type !== 'purchase') return 0;
  const minor = Math.round(event.data.amount * 100);
  return Math.floor((minor * (spec.perUnit ?? 0) * (spec.multiplier ?? 1)) / 100 + 1e-9);
}

// Every points reward of an event shares its expiry: remember the last one formatted.
let lastPlusMs = Number.NaN;
let lastPlusIso = '';

function plusDays(atMs: number, days: number): string {
  const ms = atMs + days * DAY_MS;
  if (ms !== lastPlusMs) {
    lastPlusIso = formatIsoUtc(ms);
    lastPlusMs = ms;
  }
  return lastPlusIso;
}

/**
 * The rewards one rule firing issues, index i of the rule's reward list -> rewardId index i.
 * A points reward that computes to 0 (a tiny purchase) is left out; an empty result means the
 * rule issues nothing for this event. The result is a fresh array the caller may keep or extend.
 */
export function buildRewards(rule: RuleSpec, ctx: RewardContext, atMs = Date.parse(ctx.event.occurredAt)): Reward[] {
  const specs = rule.rewards;
  if (specs.length === 1) {
    // The common case: an array of exactly one, not a pushed-to array (which reserves 16 slots).
    const only = buildReward(rule, specs[0] as RewardTemplate, 0, ctx, atMs);
    return only === null ? [] : [only];
  }
  const out: Reward[] = [];
  for (let i = 0; i < specs.length; i++) {
    const reward = buildReward(rule, specs[i] as RewardTemplate, i, ctx, atMs);
    if (reward !== null) out.push(reward);
  }
  return out;
}

/**
 * Reward `index` of a rule firing, or null when it issues nothing (0 points, a clawback for
 * anything but a refund). Objects are built as literals (no spreads): this runs for every reward
 * on the hot path.
 */
function buildReward(rule: RuleSpec, spec: RewardTemplate, index: number, ctx: RewardContext, atMs: number): Reward | null {
  const { event } = ctx;
  // Decided before the id is hashed: a sha256 per reward is the largest cost here.
  const points = spec.kind === 'points' ? pointsFor(spec, event) : 0;
  if (spec.kind === 'points' ? points < 1 : spec.kind === 'clawback' && event.type !== 'refund') return null;
  const rewardId = rewardIdOf(rule.id, event.id, index);
  let reward: Reward;
  switch (spec.kind) {
    case 'points': {
      reward = { rewardId, ruleId: rule.id, rulesetVersion: ctx.rulesetVersion, customerId: event.customerId, sourceEventId: event.id, kind: 'points', issuedAt: event.occurredAt, points };
      if (event.type === 'purchase') {
        reward.orderId = event.data.orderId;
        reward.orderAmount = event.data.amount;
      }
      if (ctx.pointsExpireAfterDays !== undefined) reward.expiresAt = plusDays(atMs, ctx.pointsExpireAfterDays);
      break;
    }
    case 'coupon': {
      reward = {
        rewardId, ruleId: rule.id, rulesetVersion: ctx.rulesetVersion, customerId: event.customerId, sourceEventId: event.id, kind: 'coupon', issuedAt: event.occurredAt,
        validDays: spec.validDays,
        expiresAt: plusDays(atMs, spec.validDays),
      };
      if (spec.percentOff !== undefined) reward.percentOff = spec.percentOff;
      if (spec.amountOff !== undefined) reward.amountOff = spec.amountOff;
      if (spec.currency !== undefined) reward.currency = spec.currency;
      if (spec.minSpend !== undefined) reward.minSpend = spec.minSpend;
      if (spec.codePrefix !== undefined) reward.codePrefix = spec.codePrefix;
      break;
    }
    case 'gift':
      reward = { rewardId, ruleId: rule.id, rulesetVersion: ctx.rulesetVersion, customerId: event.customerId, sourceEventId: event.id, kind: 'gift', issuedAt: event.occurredAt, sku: spec.sku, name: spec.name };
      break;
    case 'badge':
      reward = { rewardId, ruleId: rule.id, rulesetVersion: ctx.rulesetVersion, customerId: event.customerId, sourceEventId: event.id, kind: 'badge', issuedAt: event.occurredAt, badge: spec.badge };
      break;
    case 'clawback':
      if (event.type !== 'refund') return null; // (checked above; narrows the event type)
      reward = {
        rewardId, ruleId: rule.id, rulesetVersion: ctx.rulesetVersion, customerId: event.customerId, sourceEventId: event.id, kind: 'clawback', issuedAt: event.occurredAt,
        orderId: event.data.orderId,
        amount: event.data.amount,
        currency: event.data.currency,
      };
      break;
  }
  if (spec.messageParts) {
    const message = renderTemplate(spec.messageParts, { customer: ctx.customer, event, calendar: ctx.calendar, reward }).slice(0, 2000);
    if (message.trim() !== '') reward.message = message;
  }
  return reward;
}
