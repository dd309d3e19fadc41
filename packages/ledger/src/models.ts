import { Schema, type Connection, type Model } from 'mongoose';
import type { ChainedEntry, EntryLink } from './hash-chain.js';

// Every collection is keyed by a deterministic `_id`: on FerretDB v1 (SQLite) only `_id` equality is
// pushed down to SQL, any other filter scans the collection. Secondary unique indexes are still
// enforced (they are real SQLite indexes), so they carry idempotency, never lookups on a hot path.
// No field name contains '.', no TTL or partial index, no transaction is needed.

export type RewardStatus = 'applied' | 'noop';

export interface RewardDoc {
  /** rewardId */
  _id: string;
  kind: string;
  customerId: string;
  ruleId: string;
  rulesetVersion: string;
  sourceEventId: string;
  issuedAt: Date;
  status: RewardStatus;
  /** Why a reward had no effect (e.g. a clawback for an order without points). */
  reason?: string;
  /** What the reward produced: entry id, coupon code, gift order id. */
  effect?: string;
  appliedAt: Date;
}

export type CouponStatus = 'issued' | 'redeemed' | 'expired' | 'void';

export interface CouponDoc {
  /** The code in compact form (upper case, no dashes): redemption looks it up by `_id`. */
  _id: string;
  display: string;
  customerId: string;
  /** Source reward; unique, so a redelivered reward never issues a second coupon. */
  rewardId: string;
  ruleId: string;
  percentOff?: number;
  amountOff?: number;
  currency?: string;
  minSpend?: number;
  issuedAt: Date;
  expiresAt: Date;
  status: CouponStatus;
  redeemedAt?: Date;
  redeemedEventId?: string;
  redeemedOrderId?: string;
}

/** A ledger entry as stored: the hashed fields (`ChainedEntry`) plus database bookkeeping. */
export interface PointsEntryDoc extends ChainedEntry {
  /** Chain slot `<customerId>#<seq>`: unique per position, so two writers can never fork a chain. */
  _id: string;
  /** Kafka position of the reward (not hashed: bookkeeping for redelivery, not ledger content). */
  source?: { topic: string; partition: number; offset: string };
  createdAt: Date;
}

export interface WalletDoc {
  /** customerId */
  _id: string;
  points: number;
  tier?: string;
  badges: string[];
  /** Chain head this wallet reflects; the ledger is the truth, the wallet its projection. */
  headSeq: number;
  headHash: string;
  /** Kafka position of the head entry's reward: rewards at or before it are already applied. */
  headSource?: { topic: string; partition: number; offset: string };
  updatedAt: Date;
}

export interface OrderEarn {
  entryId: string;
  points: number;
  orderAmount: number | null;
}

export interface OrderClawback {
  entryId: string;
  rewardId: string;
  points: number;
  refunded: number;
  /** The earn entries the clawback drew from; absent on index documents written before links were kept. */
  links?: EntryLink[];
}

/** Points of one earn entry of the order that expired (so a later clawback cannot reverse them). */
export interface OrderExpire {
  entryId: string;
  earnEntryId: string;
  points: number;
}

export type OrderSlotType = 'earn' | 'clawback' | 'expire';

/**
 * Insert-only index of the ledger by order, for pro-rata clawback: one document per earn or
 * clawback entry that names an order, at slot `<customerId>#<orderId>#e<k>` (earns) or `#c<k>`
 * (clawbacks), k = 1, 2, ... Reading an order walks its slots by `_id`. Insert-only because on
 * FerretDB v1 every update scans its collection, while inserts and `_id` reads do not.
 */
export interface OrderPointsDoc {
  _id: string;
  customerId: string;
  orderId: string;
  type: OrderSlotType;
  entryId: string;
  rewardId: string;
  /** Points earned, or reversed / expired (positive). */
  points: number;
  orderAmount: number | null;
  refunded: number | null;
  /** Clawbacks and expiries: the earn entries they draw from. */
  links?: EntryLink[];
}

const SLOT_LETTER: Record<OrderSlotType, string> = { earn: 'e', clawback: 'c', expire: 'x' };

export function orderSlotId(customerId: string, orderId: string, type: OrderSlotType, k: number): string {
  return `${customerId}#${orderId}#${SLOT_LETTER[type]}${k}`;
}

export interface GiftOrderDoc {
  /** rewardId: one gift per reward. */
  _id: string;
  customerId: string;
  sku: string;
  name: string;
  status: 'pending' | 'shipped' | 'cancelled';
  requestedAt: Date;
}

export type RedemptionReason = 'unknown_code' | 'bad_check_character' | 'other_customer' | 'expired' | 'already_redeemed' | 'below_min_spend' | 'void';

export interface RedemptionDoc {
  /** `<eventId>#<code as given, compacted>`: a redelivered purchase records nothing new. */
  _id: string;
  eventId: string;
  code: string;
  customerId: string;
  orderId: string;
  orderAmount: number;
  status: 'accepted' | 'rejected';
  reason?: RedemptionReason;
  occurredAt: Date;
  recordedAt: Date;
}

export interface LedgerModels {
  Reward: Model<RewardDoc>;
  Coupon: Model<CouponDoc>;
  PointsEntry: Model<PointsEntryDoc>;
  Wallet: Model<WalletDoc>;
  OrderPoints: Model<OrderPointsDoc>;
  GiftOrder: Model<GiftOrderDoc>;
  Redemption: Model<RedemptionDoc>;
}

const opts = { versionKey: false, autoIndex: false, autoCreate: false, strict: true } as const;
const source = { topic: String, partition: Number, offset: String };

const rewardSchema = new Schema<RewardDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    customerId: { type: String, required: true },
    ruleId: { type: String, required: true },
    rulesetVersion: { type: String, required: true },
    sourceEventId: { type: String, required: true },
    issuedAt: { type: Date, required: true },
    status: { type: String, enum: ['applied', 'noop'], required: true },
    reason: String,
    effect: String,
    appliedAt: { type: Date, required: true },
  },
  { ...opts, collection: 'rewards' },
);

const couponSchema = new Schema<CouponDoc>(
  {
    _id: { type: String, required: true },
    display: { type: String, required: true },
    customerId: { type: String, required: true },
    rewardId: { type: String, required: true },
    ruleId: { type: String, required: true },
    percentOff: Number,
    amountOff: Number,
    currency: String,
    minSpend: Number,
    issuedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    status: { type: String, enum: ['issued', 'redeemed', 'expired', 'void'], required: true },
    redeemedAt: Date,
    redeemedEventId: String,
    redeemedOrderId: String,
  },
  { ...opts, collection: 'coupons' },
);
couponSchema.index({ rewardId: 1 }, { unique: true });

const pointsEntrySchema = new Schema<PointsEntryDoc>(
  {
    _id: { type: String, required: true },
    entryId: { type: String, required: true },
    customerId: { type: String, required: true },
    seq: { type: Number, required: true },
    type: { type: String, enum: ['earn', 'clawback', 'expire', 'adjust'], required: true },
    points: { type: Number, required: true },
    balanceAfter: { type: Number, required: true },
    rewardId: { type: String, required: true },
    orderId: { type: String, default: null },
    orderAmount: { type: Number, default: null },
    refunded: { type: Number, default: null },
    links: { type: [{ _id: false, entryId: String, points: Number }], default: [] },
    occurredAt: { type: String, required: true },
    expiresAt: { type: String, default: null },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
    source: { type: { _id: false, ...source }, required: false },
    createdAt: { type: Date, required: true },
  },
  { ...opts, collection: 'points_entries' },
);
pointsEntrySchema.index({ entryId: 1 }, { unique: true });

const walletSchema = new Schema<WalletDoc>(
  {
    _id: { type: String, required: true },
    points: { type: Number, required: true, default: 0 },
    tier: String,
    badges: { type: [String], default: [] },
    headSeq: { type: Number, required: true, default: 0 },
    headHash: { type: String, required: true },
    headSource: { type: { _id: false, ...source }, required: false },
    updatedAt: { type: Date, required: true },
  },
  { ...opts, collection: 'wallets' },
);

const orderPointsSchema = new Schema<OrderPointsDoc>(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
    orderId: { type: String, required: true },
    type: { type: String, enum: ['earn', 'clawback', 'expire'], required: true },
    entryId: { type: String, required: true },
    rewardId: { type: String, required: true },
    points: { type: Number, required: true },
    orderAmount: { type: Number, default: null },
    refunded: { type: Number, default: null },
    links: { type: [{ _id: false, entryId: String, points: Number }], default: undefined },
  },
  { ...opts, collection: 'order_points' },
);

const giftOrderSchema = new Schema<GiftOrderDoc>(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
    sku: { type: String, required: true },
    name: { type: String, required: true },
    status: { type: String, enum: ['pending', 'shipped', 'cancelled'], required: true },
    requestedAt: { type: Date, required: true },
  },
  { ...opts, collection: 'gift_orders' },
);

const redemptionSchema = new Schema<RedemptionDoc>(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    code: { type: String, required: true },
    customerId: { type: String, required: true },
    orderId: { type: String, required: true },
    orderAmount: { type: Number, required: true },
    status: { type: String, enum: ['accepted', 'rejected'], required: true },
    reason: String,
    occurredAt: { type: Date, required: true },
    recordedAt: { type: Date, required: true },
  },
  { ...opts, collection: 'redemptions' },
);

/** Models bound to `connection` (never the mongoose default connection: tests use one db each). */
export function createModels(connection: Connection): LedgerModels {
  return {
    Reward: connection.model<RewardDoc>('Reward', rewardSchema),
    Coupon: connection.model<CouponDoc>('Coupon', couponSchema),
    PointsEntry: connection.model<PointsEntryDoc>('PointsEntry', pointsEntrySchema),
    Wallet: connection.model<WalletDoc>('Wallet', walletSchema),
    OrderPoints: connection.model<OrderPointsDoc>('OrderPoints', orderPointsSchema),
    GiftOrder: connection.model<GiftOrderDoc>('GiftOrder', giftOrderSchema),
    Redemption: connection.model<RedemptionDoc>('Redemption', redemptionSchema),
  };
}

/** Creates collections and the unique indexes idempotency relies on. Safe to call at every start. */
export async function ensureLedgerIndexes(models: LedgerModels): Promise<void> {
  for (const model of Object.values(models) as Model<unknown>[]) {
    await model.createCollection().catch((err: unknown) => {
      // 48 NamespaceExists: another worker created it first.
      if ((err as { code?: number }).code !== 48) throw err;
    });
    await model.createIndexes();
  }
}

/** MongoDB duplicate key (E11000): the write was already done. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
