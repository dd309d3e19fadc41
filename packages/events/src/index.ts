export { EventValidationError, NonRetryableError } from './errors.js';
export type { EventValidationCode, ParseResult, ValidationIssue } from './errors.js';
export { CUSTOMER_ID_PATTERN, MAX_EVENT_BYTES, MAX_ITEMS } from './primitives.js';
export {
  REWARD_KINDS,
  RewardSchema,
  PointsRewardSchema,
  CouponRewardSchema,
  GiftRewardSchema,
  BadgeRewardSchema,
  ClawbackRewardSchema,
  parseReward,
  parseRewardJson,
} from './reward.js';
export type { Reward, RewardKind, PointsReward, CouponReward, GiftReward, BadgeReward, ClawbackReward } from './reward.js';
