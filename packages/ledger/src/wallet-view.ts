import type { CouponDoc, CouponStatus, LedgerModels, PointsEntryDoc, WalletDoc } from './models.js';

export interface WalletView {
  customerId: string;
  points: number;
  tier: string | null;
  badges: string[];
  headSeq: number;
  coupons: { code: string; status: CouponStatus; value: string; minSpend: number | null; expiresAt: Date }[];
  entries: Pick<PointsEntryDoc, 'seq' | 'type' | 'points' | 'balanceAfter' | 'rewardId' | 'orderId' | 'occurredAt' | 'entryId'>[];
}

/**
 * Everything the CLI shows for one customer. Coupons and entries are found by `customerId`, which
 * FerretDB v1 answers with a collection scan: fine for an operator command, never on a hot path.
 */
export async function getWalletView(
  models: Pick<LedgerModels, 'Wallet' | 'Coupon' | 'PointsEntry'>,
  customerId: string,
  options: { now: Date; lastEntries?: number },
): Promise<WalletView | null> {
  const [wallet, coupons, entries] = await Promise.all([
    models.Wallet.findById(customerId).lean<WalletDoc>(),
    models.Coupon.find({ customerId }).lean<CouponDoc[]>(),
    models.PointsEntry.find({ customerId }).lean<PointsEntryDoc[]>(),
  ]);
  if (!wallet && coupons.length === 0 && entries.length === 0) return null;
  entries.sort((a, b) => b.seq - a.seq);
  const last = entries.slice(0, options.lastEntries ?? 10);
  return {
    customerId,
    points: wallet?.points ?? 0,
    tier: wallet?.tier ?? null,
    badges: wallet?.badges ?? [],
    headSeq: wallet?.headSeq ?? 0,
    coupons: coupons
      .sort((a, b) => b.issuedAt.getTime() - a.issuedAt.getTime())
      .map((c) => ({
        code: c.display,
        // Expiry is decided at event time on redemption; the view shows what an operator needs now.
        status: c.status === 'issued' && c.expiresAt.getTime() <= options.now.getTime() ? 'expired' : c.status,
        value: c.percentOff !== undefined ? `${c.percentOff}% off` : `${c.amountOff} ${c.currency ?? ''} off`.trim(),
        minSpend: c.minSpend ?? null,
        expiresAt: c.expiresAt,
      })),
    entries: last.map((e) => ({
      entryId: e.entryId,
      seq: e.seq,
      type: e.type,
      points: e.points,
      balanceAfter: e.balanceAfter,
      rewardId: e.rewardId,
      orderId: e.orderId,
      occurredAt: e.occurredAt,
    })),
  };
}
