import type { z } from 'zod';
import { literal, meta, object, str } from './field.js';
import { customerId, timestamp } from './primitives.js';
import { rewardValidators, type Reward } from './reward.js';
import { byDiscriminator, parseJsonWith, parseWith, type Validator } from './validate.js';
import type { ParseResult } from './errors.js';

export const POINTS_EXPIRE_TYPE = 'points.expire';

/**
 * A request, published by the scheduler to incentive.rewards keyed by customer, that fulfillment
 * expire every points grant of the customer whose `expiresAt` is at or before `asOf`, for what is
 * left of it (earned − clawed back − already expired). It travels on the rewards topic so that
 * fulfillment, the only writer of wallets and the ledger, applies it in order with the customer's
 * other rewards. Idempotent: applying it twice (or two requests covering the same grants) expires
 * each grant at most once.
 */
const pointsExpire = meta(
  object({
    type: literal(POINTS_EXPIRE_TYPE),
    /** Deterministic: `clock:points-expire:<customerId>:<YYYY-MM-DD>` (the tick's local date). */
    id: str(1, 256),
    customerId,
    /** The tick instant: grants with expiresAt <= asOf expire. */
    asOf: timestamp,
  }),
  { title: 'PointsExpireRequest', description: 'Expire the due points of one customer, published to incentive.rewards by the scheduler' },
);

export const PointsExpireRequestSchema = pointsExpire.zod;
export type PointsExpireRequest = z.infer<typeof PointsExpireRequestSchema>;

/** Id of the expiry request of a customer at the tick of local date `date` (YYYY-MM-DD). */
export function pointsExpireRequestId(customerId: string, date: string): string {
  return `clock:points-expire:${customerId}:${date}`;
}

const pickExpire = () => pointsExpire as Validator<PointsExpireRequest>;

export function parsePointsExpire(input: unknown): ParseResult<PointsExpireRequest> {
  return parseWith(input, pickExpire);
}

export function parsePointsExpireJson(text: string | Uint8Array): ParseResult<PointsExpireRequest> {
  return parseJsonWith(text, pickExpire);
}

/** What a record of the rewards topic holds: a reward, or a points expiry request. */
export type RewardsTopicMessage = Reward | PointsExpireRequest;

export function isPointsExpireRequest(m: RewardsTopicMessage): m is PointsExpireRequest {
  return (m as { type?: unknown }).type === POINTS_EXPIRE_TYPE;
}

const pickReward = byDiscriminator<Reward>('kind', rewardValidators);

/**
 * Dispatch by shape: a `type` field means a request (only `points.expire` is known; another type
 * is refused naming the field), otherwise a reward (`kind`), as before the requests existed.
 */
const pickMessage = (input: Record<string, unknown>) => {
  if (input.type !== undefined) {
    if (input.type === POINTS_EXPIRE_TYPE) return pointsExpire as Validator<RewardsTopicMessage>;
    const t = typeof input.type === 'string' ? `"${input.type.slice(0, 64)}"` : `a ${typeof input.type}`;
    return { path: 'type', message: `unknown type ${t} on the rewards topic; expected "${POINTS_EXPIRE_TYPE}" (or no type and a reward kind)` };
  }
  return pickReward(input) as Validator<RewardsTopicMessage> | { path: string; message: string };
};

export function parseRewardsTopicMessage(input: unknown): ParseResult<RewardsTopicMessage> {
  return parseWith(input, pickMessage);
}

export function parseRewardsTopicMessageJson(text: string | Uint8Array): ParseResult<RewardsTopicMessage> {
  return parseJsonWith(text, pickMessage);
}
