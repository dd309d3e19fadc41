import type { Connection } from 'mongoose';
import { checkCouponCode, createModels, verifyLedger, type LedgerVerification } from '@incentive/ledger';
import type { ExpectedCoupon, ExpectedEntry, ExpectedGift, ExpectedLedger, ExpectedReward, ExpectedWallet } from './expected-ledger.js';

export interface ActualLedger extends ExpectedLedger {
  /** Coupon codes that fail their own check character, or lack the rule's prefix. */
  badCodes: string[];
  redemptions: number;
  verification: LedgerVerification;
}

const iso = (d: Date | string): string => new Date(d).toISOString();
const byKey = <T>(key: (t: T) => string) => (a: T, b: T): number => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** Reads the run's database into the shape of `expectedLedger` (fields the contract fixes; codes checked separately). */
export async function readLedger(connection: Connection, codePrefixes: Map<string, string | undefined>): Promise<ActualLedger> {
  const m = createModels(connection);
  const rewards: ExpectedReward[] = (await m.Reward.find({}).lean()).map((r) => ({
    _id: r._id,
    kind: r.kind,
    customerId: r.customerId,
    ruleId: r.ruleId,
    rulesetVersion: r.rulesetVersion,
    sourceEventId: r.sourceEventId,
    issuedAt: iso(r.issuedAt),
    status: r.status,
  }));
  const badCodes: string[] = [];
  const coupons: ExpectedCoupon[] = (await m.Coupon.find({}).lean()).map((c) => {
    const prefix = codePrefixes.get(c.rewardId);
    if (!checkCouponCode(c.display).ok || (prefix !== undefined && !c.display.startsWith(`${prefix}-`))) badCodes.push(c.display);
    return {
      rewardId: c.rewardId,
      customerId: c.customerId,
      ruleId: c.ruleId,
      ...(c.percentOff != null ? { percentOff: c.percentOff } : {}),
      ...(c.amountOff != null ? { amountOff: c.amountOff } : {}),
      ...(c.currency != null ? { currency: c.currency } : {}),
      ...(c.minSpend != null ? { minSpend: c.minSpend } : {}),
      issuedAt: iso(c.issuedAt),
      expiresAt: iso(c.expiresAt),
      status: c.status as 'issued',
    };
  });
  const gifts: ExpectedGift[] = (await m.GiftOrder.find({}).lean()).map((g) => ({
    _id: g._id,
    customerId: g.customerId,
    sku: g.sku,
    name: g.name,
    status: g.status as 'pending',
    requestedAt: iso(g.requestedAt),
  }));
  const entries: ExpectedEntry[] = (await m.PointsEntry.find({}).lean()).map((e) => ({
    entryId: e.entryId,
    customerId: e.customerId,
    seq: e.seq,
    type: e.type as 'earn' | 'clawback',
    points: e.points,
    balanceAfter: e.balanceAfter,
    rewardId: e.rewardId,
    orderId: e.orderId ?? null,
    orderAmount: e.orderAmount ?? null,
    refunded: e.refunded ?? null,
    occurredAt: e.occurredAt,
  }));
  const wallets: ExpectedWallet[] = (await m.Wallet.find({}).lean()).map((w) => ({
    _id: w._id,
    points: w.points,
    ...(w.tier != null ? { tier: w.tier } : {}),
    badges: [...(w.badges ?? [])],
    headSeq: w.headSeq,
  }));
  return {
    rewards,
    coupons,
    gifts,
    entries,
    wallets,
    badCodes,
    redemptions: await m.Redemption.countDocuments(),
    verification: await verifyLedger(m),
  };
}

/** Both sides in one canonical order, so `toEqual` compares sets of documents. */
export function canonical(l: ExpectedLedger): ExpectedLedger {
  return {
    rewards: [...l.rewards].sort(byKey((r) => r._id)),
    coupons: [...l.coupons].sort(byKey((c) => c.rewardId)),
    gifts: [...l.gifts].sort(byKey((g) => g._id)),
    entries: [...l.entries].sort(byKey((e) => `${e.customerId}#${String(e.seq).padStart(8, '0')}`)),
    wallets: [...l.wallets].map((w) => ({ ...w, badges: [...w.badges].sort() })).sort(byKey((w) => w._id)),
  };
}
