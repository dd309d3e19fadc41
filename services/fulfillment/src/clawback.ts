import type { EntryLink, OrderClawback, OrderEarn } from '@incentive/ledger';

export type ClawbackPlan =
  | { ok: true; points: number; links: EntryLink[] }
  | { ok: false; reason: 'no_points_earned_on_order' | 'order_amount_unknown' | 'nothing_left_to_reverse' };

const cents = (major: number): bigint => BigInt(Math.round(major * 100));

/**
 * Points to reverse for a refund of `refunded` on an order, pro rata:
 *   target = floor(earned × min(1, totalRefunded / orderAmount)),  reverse = target − alreadyReversed.
 * Working on the cumulative refund (not refund by refund) means several partial refunds reverse
 * exactly what one refund of their sum would, rounding never drifts, and the total reversed can
 * never exceed what was earned on the order. Integer arithmetic in cents, no floating point.
 * The reversal is linked to the earn entries it draws from, oldest first.
 */
export function planClawback(earns: readonly OrderEarn[], clawbacks: readonly OrderClawback[], refunded: number): ClawbackPlan {
  const earned = earns.reduce((s, e) => s + e.points, 0);
  if (earned <= 0) return { ok: false, reason: 'no_points_earned_on_order' };
  const amounts = earns.map((e) => e.orderAmount).filter((a): a is number => a !== null && a !== undefined && a > 0);
  if (amounts.length === 0) return { ok: false, reason: 'order_amount_unknown' };
  const orderCents = cents(Math.max(...amounts));
  const refundedBefore = clawbacks.reduce((s, c) => s + cents(c.refunded), 0n);
  const totalRefunded = refundedBefore + cents(refunded);
  const capped = totalRefunded > orderCents ? orderCents : totalRefunded;
  const target = Number((BigInt(earned) * capped) / orderCents);
  const already = clawbacks.reduce((s, c) => s + c.points, 0);
  const points = Math.min(target, earned) - already;
  if (points <= 0) return { ok: false, reason: 'nothing_left_to_reverse' };
  // Reversals consume the earn entries oldest first; `already` was taken from the front.
  const links: EntryLink[] = [];
  let skip = already;
  let left = points;
  for (const e of earns) {
    const available = Math.max(0, e.points - skip);
    skip = Math.max(0, skip - e.points);
    if (available === 0) continue;
    const take = Math.min(available, left);
    links.push({ entryId: e.entryId, points: take });
    left -= take;
    if (left === 0) break;
  }
  return { ok: true, points, links };
}
