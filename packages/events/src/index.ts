export { EventValidationError } from './errors.js';
export type { EventValidationCode, ParseResult, ValidationIssue } from './errors.js';
export { CUSTOMER_ID_PATTERN, MAX_EVENT_BYTES, MAX_ITEMS } from './primitives.js';
export {
  EVENT_TYPES,
  EVENT_SCHEMAS,
  IncentiveEventSchema,
  PurchaseItemSchema,
  PurchaseEventSchema,
  RefundEventSchema,
  SignupEventSchema,
  ReferralEventSchema,
  BirthdayEventSchema,
  InactivityEventSchema,
  ReferralCreditedEventSchema,
  LeaderboardClosedEventSchema,
  parseEvent,
  parseEventJson,
} from './events.js';
export type {
  EventType,
  IncentiveEvent,
  PurchaseItem,
  PurchaseEvent,
  RefundEvent,
  SignupEvent,
  ReferralEvent,
  BirthdayEvent,
  InactivityEvent,
  ReferralCreditedEvent,
  LeaderboardClosedEvent,
} from './events.js';
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
export { NotificationEventSchema, parseNotification, parseNotificationJson } from './notification.js';
export type { NotificationEvent } from './notification.js';
export { TOPICS, DLQ_HEADERS } from './topics.js';
export type { TopicName } from './topics.js';
export { POINTS_EXPIRE_TYPE, PointsExpireRequestSchema, pointsExpireRequestId, parsePointsExpire, parsePointsExpireJson, isPointsExpireRequest, parseRewardsTopicMessage, parseRewardsTopicMessageJson, type PointsExpireRequest, type RewardsTopicMessage } from './points-expiry.js';
