import { z } from 'zod';
import { array, literal, meta, num, object, optional, str, type Field } from './field.js';
import {
  birthday,
  currency,
  customerId,
  email,
  eventId,
  MAX_ITEMS,
  money,
  monthDay,
  positiveInt,
  timestamp,
  yearMonth,
} from './primitives.js';
import { byDiscriminator, parseJsonWith, parseWith } from './validate.js';
import type { ParseResult } from './errors.js';

export const EVENT_TYPES = [
  'purchase',
  'refund',
  'signup',
  'referral',
  'birthday',
  'inactivity',
  'referral.credited',
  'leaderboard.closed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

function event<const T extends EventType, D extends z.ZodObject>(type: T, data: Field<D>, description: string) {
  return meta(
    object({
      /** Unique per source; the dedupe key. */
      id: eventId,
      type: literal(type),
      customerId,
      occurredAt: timestamp,
      source: optional(str(1, 128)),
      data,
    }),
    { title: `${type} event`, description },
  );
}

const purchaseItem = object({
  sku: str(1, 128),
  category: optional(str(1, 128)),
  /** Units bought: a whole number >= 1. */
  quantity: positiveInt,
  /** Price per unit in major units; catalogue prices may carry more than 2 decimals. */
  unitPrice: num({ min: 0, max: Number.MAX_SAFE_INTEGER }),
});

const purchase = event(
  'purchase',
  object({
    orderId: str(1, 128),
    amount: money,
    currency,
    items: optional(array(purchaseItem, MAX_ITEMS, `must have at most ${MAX_ITEMS} items`)),
    couponCodes: optional(array(str(1, 64), 50, 'must have at most 50 codes')),
    channel: optional(str(1, 64)),
  }),
  'A completed order. amount is what the customer paid, in major units.',
);

const refund = event(
  'refund',
  object({ orderId: str(1, 128), amount: money, currency }),
  'Money returned to the customer for (part of) an earlier order.',
);

const signup = event(
  'signup',
  object({ email: optional(email), birthday: optional(birthday), country: optional(str(1, 64)), referrerId: optional(customerId) }),
  'A new customer account. birthday is YYYY-MM-DD, or --MM-DD when the year is unknown.',
);

const referral = event(
  'referral',
  object({ referrerId: customerId }),
  'customerId (the new, referred customer) was referred by referrerId.',
);

const birthdayEvent = event(
  'birthday',
  object({ monthDay, year: num({ min: 1900, max: 9999, int: true }) }),
  "Clock event raised by the scheduler on the customer's birthday (MM-DD) in the given year.",
);

const inactivity = event(
  'inactivity',
  object({ days: positiveInt, lastPurchaseAt: timestamp }),
  'Clock event: no purchase for `days` days since lastPurchaseAt.',
);

const referralCredited = event(
  'referral.credited',
  object({ refereeId: customerId, sourceEventId: eventId }),
  'Derived: the referrer (customerId) is credited for referring refereeId; sourceEventId is the referral event.',
);

const leaderboardClosed = event(
  'leaderboard.closed',
  object({ month: yearMonth, rank: positiveInt, spend: money }),
  'Clock event: the monthly spend leaderboard for `month` closed with this customer at `rank`.',
);

export const PurchaseItemSchema = purchaseItem.zod;
export const PurchaseEventSchema = purchase.zod;
export const RefundEventSchema = refund.zod;
export const SignupEventSchema = signup.zod;
export const ReferralEventSchema = referral.zod;
export const BirthdayEventSchema = birthdayEvent.zod;
export const InactivityEventSchema = inactivity.zod;
export const ReferralCreditedEventSchema = referralCredited.zod;
export const LeaderboardClosedEventSchema = leaderboardClosed.zod;

export type PurchaseItem = z.infer<typeof PurchaseItemSchema>;
export type PurchaseEvent = z.infer<typeof PurchaseEventSchema>;
export type RefundEvent = z.infer<typeof RefundEventSchema>;
export type SignupEvent = z.infer<typeof SignupEventSchema>;
export type ReferralEvent = z.infer<typeof ReferralEventSchema>;
export type BirthdayEvent = z.infer<typeof BirthdayEventSchema>;
export type InactivityEvent = z.infer<typeof InactivityEventSchema>;
export type ReferralCreditedEvent = z.infer<typeof ReferralCreditedEventSchema>;
export type LeaderboardClosedEvent = z.infer<typeof LeaderboardClosedEventSchema>;
export type IncentiveEvent =
  | PurchaseEvent
  | RefundEvent
  | SignupEvent
  | ReferralEvent
  | BirthdayEvent
  | InactivityEvent
  | ReferralCreditedEvent
  | LeaderboardClosedEvent;

/** Zod schema per event type (the reference validators; also the source of the JSON Schemas). */
export const EVENT_SCHEMAS = {
  purchase: PurchaseEventSchema,
  refund: RefundEventSchema,
  signup: SignupEventSchema,
  referral: ReferralEventSchema,
  birthday: BirthdayEventSchema,
  inactivity: InactivityEventSchema,
  'referral.credited': ReferralCreditedEventSchema,
  'leaderboard.closed': LeaderboardClosedEventSchema,
} as const satisfies Record<EventType, z.ZodType>;

export const eventValidators = {
  purchase,
  refund,
  signup,
  referral,
  birthday: birthdayEvent,
  inactivity,
  'referral.credited': referralCredited,
  'leaderboard.closed': leaderboardClosed,
} as const satisfies Record<EventType, unknown>;

export const IncentiveEventSchema = z
  .discriminatedUnion('type', [
    PurchaseEventSchema,
    RefundEventSchema,
    SignupEventSchema,
    ReferralEventSchema,
    BirthdayEventSchema,
    InactivityEventSchema,
    ReferralCreditedEventSchema,
    LeaderboardClosedEventSchema,
  ])
  .meta({ title: 'Incentive event', description: 'Any event on incentive.events, discriminated by type' });

const pickEvent = byDiscriminator<IncentiveEvent>('type', eventValidators);

/**
 * Validate an event object. Unknown fields are tolerated and stripped from `value`, so downstream
 * code sees exactly the contract; the input is not modified.
 */
export function parseEvent(input: unknown): ParseResult<IncentiveEvent> {
  return parseWith(input, pickEvent);
}

/** Validate one JSON document (a Kafka message value or a JSONL line) as an event. */
export function parseEventJson(text: string | Uint8Array): ParseResult<IncentiveEvent> {
  return parseJsonWith(text, pickEvent);
}
