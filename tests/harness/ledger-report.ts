import type { Connection } from 'mongoose';
import { createModels } from '@incentive/ledger';

export interface LedgerReport {
  rewards: { applied: number; noop: number };
  coupons: { issued: number; redeemed: number; expired: number; void: number; open: number };
  redemptions: { accepted: number; rejected: number; byReason: Record<string, number> };
  points: { earned: number; clawedBack: number; expired: number; adjusted: number; outstanding: number; entries: number };
  wallets: number;
  gifts: { orders: number; bySku: Record<string, number> };
}

/**
 * What fulfillment wrote to the run's database. Plain finds with projections, summed here: FerretDB
 * v1 pushes only `_id` equality down to SQL, so an aggregation pipeline would scan just the same.
 */
export async function ledgerReport(connection: Connection): Promise<LedgerReport> {
  const m = createModels(connection);
  const report: LedgerReport = {
    rewards: { applied: 0, noop: 0 },
    coupons: { issued: 0, redeemed: 0, expired: 0, void: 0, open: 0 },
    redemptions: { accepted: 0, rejected: 0, byReason: {} },
    points: { earned: 0, clawedBack: 0, expired: 0, adjusted: 0, outstanding: 0, entries: 0 },
    wallets: 0,
    gifts: { orders: 0, bySku: {} },
  };
  for await (const r of m.Reward.find({}, { status: 1 }).lean()) report.rewards[r.status]++;
  for await (const c of m.Coupon.find({}, { status: 1 }).lean()) {
    report.coupons.issued++;
    if (c.status === 'issued') report.coupons.open++;
    else report.coupons[c.status]++;
  }
  for await (const r of m.Redemption.find({}, { status: 1, reason: 1 }).lean()) {
    report.redemptions[r.status]++;
    if (r.status === 'rejected') report.redemptions.byReason[r.reason ?? 'unknown'] = (report.redemptions.byReason[r.reason ?? 'unknown'] ?? 0) + 1;
  }
  for await (const e of m.PointsEntry.find({}, { type: 1, points: 1 }).lean()) {
    report.points.entries++;
    if (e.type === 'earn') report.points.earned += e.points;
    else if (e.type === 'clawback') report.points.clawedBack += -e.points;
    else if (e.type === 'expire') report.points.expired += -e.points;
    else report.points.adjusted += e.points;
  }
  for await (const w of m.Wallet.find({}, { points: 1 }).lean()) {
    report.wallets++;
    report.points.outstanding += w.points;
  }
  for await (const g of m.GiftOrder.find({}, { sku: 1 }).lean()) {
    report.gifts.orders++;
    report.gifts.bySku[g.sku] = (report.gifts.bySku[g.sku] ?? 0) + 1;
  }
  return report;
}
