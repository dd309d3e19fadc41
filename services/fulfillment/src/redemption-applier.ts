import type { mongo } from 'mongoose';
import type { PurchaseEvent } from '@incentive/events';
import { checkCouponCode, compactCouponCode, isDuplicateKey, type CouponDoc, type LedgerModels, type RedemptionDoc, type RedemptionReason } from '@incentive/ledger';
import type { Clock } from './reward-applier.js';

export interface RedemptionOutcome {
  code: string;
  status: 'accepted' | 'rejected' | 'duplicate';
  reason?: RedemptionReason;
}

type Decision = { status: 'accepted' } | { status: 'rejected'; reason: RedemptionReason };

/** Pure: may this coupon be redeemed by this purchase (all at event time)? */
export function decideRedemption(coupon: CouponDoc | null, event: PurchaseEvent): Decision {
  if (!coupon) return { status: 'rejected', reason: 'unknown_code' };
  if (coupon.customerId !== event.customerId) return { status: 'rejected', reason: 'other_customer' };
  if (coupon.status === 'void') return { status: 'rejected', reason: 'void' };
  if (coupon.status === 'redeemed') {
    // Redeemed by this very event: a crash came between the coupon update and the record.
    return coupon.redeemedEventId === event.id ? { status: 'accepted' } : { status: 'rejected', reason: 'already_redeemed' };
  }
  if (coupon.expiresAt.getTime() <= new Date(event.occurredAt).getTime()) return { status: 'rejected', reason: 'expired' };
  if (coupon.minSpend !== undefined && event.data.amount < coupon.minSpend) return { status: 'rejected', reason: 'below_min_spend' };
  return { status: 'accepted' };
}

/**
 * Records each coupon code of a purchase once (`<eventId>#<code>`), accepted or rejected with its
 * reason. The coupon flips issued → redeemed with a conditional update that names the event, so a
 * redelivered purchase finds its own redemption and a second purchase finds `already_redeemed`.
 */
export function createRedemptionApplier(deps: { models: Pick<LedgerModels, 'Coupon' | 'Redemption'>; clock: Clock }) {
  const coupons = deps.models.Coupon.collection as unknown as mongo.Collection<CouponDoc>;
  const redemptions = deps.models.Redemption.collection as unknown as mongo.Collection<RedemptionDoc>;

  async function redeemOne(event: PurchaseEvent, given: string): Promise<RedemptionOutcome> {
    const code = compactCouponCode(given);
    const id = `${event.id}#${code}`;
    if (await redemptions.findOne({ _id: id })) return { code, status: 'duplicate' };
    const checked = checkCouponCode(given);
    let decision: Decision;
    if (!checked.ok) {
      decision = { status: 'rejected', reason: checked.reason === 'bad_check_character' ? 'bad_check_character' : 'unknown_code' };
    } else {
      decision = decideRedemption(await coupons.findOne({ _id: code }), event);
      if (decision.status === 'accepted') {
        const occurredAt = new Date(event.occurredAt);
        const res = await coupons.updateOne(
          { _id: code, status: 'issued' },
          { $set: { status: 'redeemed', redeemedAt: occurredAt, redeemedEventId: event.id, redeemedOrderId: event.data.orderId } },
        );
        if (res.matchedCount === 0) decision = decideRedemption(await coupons.findOne({ _id: code }), event);
      }
    }
    const doc: RedemptionDoc = {
      _id: id,
      eventId: event.id,
      code,
      customerId: event.customerId,
      orderId: event.data.orderId,
      orderAmount: event.data.amount,
      status: decision.status,
      ...(decision.status === 'rejected' ? { reason: decision.reason } : {}),
      occurredAt: new Date(event.occurredAt),
      recordedAt: deps.clock.now(),
    };
    try {
      await redemptions.insertOne(doc);
    } catch (err) {
      if (isDuplicateKey(err)) return { code, status: 'duplicate' };
      throw err;
    }
    return { code, status: decision.status, ...(decision.status === 'rejected' ? { reason: decision.reason } : {}) };
  }

  return {
    /** One purchase; its codes in order (the same code twice in one order: the second is rejected). */
    async apply(event: PurchaseEvent): Promise<RedemptionOutcome[]> {
      const out: RedemptionOutcome[] = [];
      const seen = new Set<string>();
      for (const code of event.data.couponCodes ?? []) {
        const compact = compactCouponCode(code);
        if (seen.has(compact)) continue;
        seen.add(compact);
        out.push(await redeemOne(event, code));
      }
      return out;
    },
  };
}

export type RedemptionApplier = ReturnType<typeof createRedemptionApplier>;
