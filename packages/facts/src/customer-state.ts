/**
 * One UTC day of the trailing purchase window: [day (days since 1970-01-01, UTC), amount in minor
 * units net of refunds, number of purchases].
 */
export type WindowDay = readonly [day: number, amountMinor: number, orders: number];

/**
 * What the worker stores per customer (JSON). Money is in integer minor units; instants are kept as
 * the original RFC 3339 text plus epoch ms where arithmetic needs them. Treat as immutable.
 */
export interface CustomerState {
  /** Schema version of this object (2: the window is kept per UTC day; 1 kept one entry per purchase). */
  v: 2;
  customerId: string;
  /** Latest event time applied (epoch ms); time-based facts never go back before it. */
  asOfMs: number;
  signedUpAt: string | null;
  /** 'MM-DD' */
  birthday: string | null;
  country: string | null;
  referrerId: string | null;
  /** This customer's own referral has yielded a referral.credited (credited at most once). */
  referralCredited: boolean;
  orders: number;
  refunds: number;
  /** Net spend, minor units, never below 0. */
  totalMinor: number;
  /**
   * Purchases of the trailing 365 days, one entry per UTC day with purchases, ascending by day. Kept
   * per day rather than per purchase so that the state stays small (at most 366 entries) however
   * often a customer buys: the worker loads, applies and stores it on every event.
   */
  window: readonly WindowDay[];
  /** Sum of the window amounts (minor units). */
  windowMinor: number;
  /** Sum of the window purchase counts. */
  windowOrders: number;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
  lastPurchaseMs: number | null;
  /** Consecutive ISO weeks with a purchase, ending at `streakWeek`. */
  streak: number;
  /** isoWeekIndex of the latest purchase (weeks since the Monday before 1970-01-01). */
  streakWeek: number | null;
  /** referral.credited events received as referrer. */
  referrals: number;
  tier: string | null;
  segment: string;
}

/** The public facts rules see as `customer` (money in major units, 2 decimals). */
export interface CustomerFacts {
  signedUpAt: string | null;
  birthday: string | null;
  country: string | null;
  referrerId: string | null;
  orders: number;
  refunds: number;
  totalSpend: number;
  spend12m: number;
  orders12m: number;
  avgOrderValue: number;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
  daysSinceLastPurchase: number | null;
  /**
   * Whole days from the latest purchase, this event's included, to this event (0 on a purchase).
   * Not in issue 3's list: segments such as "churned" need recency that a purchase resets, whereas
   * daysSinceLastPurchase on a purchase is the gap before it.
   */
  recencyDays: number | null;
  weeklyStreak: number;
  referrals: number;
  tier: string | null;
  previousTier: string | null;
  tierChanged: 'up' | 'down' | null;
  nextTier: string | null;
  spendToNextTier: number | null;
  segment: string;
  previousSegment: string;
  segmentChanged: boolean;
}

/** Value kind of every customer fact, for linters that check rule paths (`$.segment`). */
export const CUSTOMER_FACT_KINDS: Readonly<Record<keyof CustomerFacts, 'string' | 'number' | 'boolean' | 'string|null' | 'number|null'>> = {
  signedUpAt: 'string|null',
  birthday: 'string|null',
  country: 'string|null',
  referrerId: 'string|null',
  orders: 'number',
  refunds: 'number',
  totalSpend: 'number',
  spend12m: 'number',
  orders12m: 'number',
  avgOrderValue: 'number',
  firstPurchaseAt: 'string|null',
  lastPurchaseAt: 'string|null',
  daysSinceLastPurchase: 'number|null',
  recencyDays: 'number|null',
  weeklyStreak: 'number',
  referrals: 'number',
  tier: 'string|null',
  previousTier: 'string|null',
  tierChanged: 'string|null',
  nextTier: 'string|null',
  spendToNextTier: 'number|null',
  segment: 'string',
  previousSegment: 'string',
  segmentChanged: 'boolean',
};
