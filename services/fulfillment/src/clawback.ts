import type { EntryLink, OrderClawback, OrderEarn, OrderExpire } from '@incentive/ledger';

export type ClawbackPlan =
  | { ok: true; points: number; links: EntryLink[] }
  | { ok: false; reason: 'no_points_earned_on_order' | 'order_amount_unknown' | 'nothing_left_to_reverse' };

const cents = (major: number): bigint => BigInt(Math.round(major * 100));

/**
 * What is left of each earn entry of an order: earned − clawed back − expired. Clawbacks name the
 * entries they drew from (`links`); index documents written before links were kept carry none,
 * and those clawbacks drew oldest first (the rule at the time, and no expiry existed then).
 */
export function remainingByEarn(earns: readonly OrderEarn[], clawbacks: readonly OrderClawback[], expires: readonly OrderExpire[] = []): number[] {
  const used = new Map<string, number>();
  const add = (entryId: string, points: number) => used.set(entryId, (used.get(entryId) ?? 0) + points);
  let unlinked = 0;
  for (const c of clawbacks) {
    if (c.links && c.links.length > 0) for (const l of c.links) add(l.entryId, l.points);
    else unlinked += c.points;
  }
  for (const x of expires) add(x.earnEntryId, x.points);
  return earns.map((e) => {
    let left = Math.max(0, e.points - (used.get(e.entryId) ?? 0));
    const take = Math.min(left, unlinked);
    left -= take;
    unlinked -= take;
    return left;
  });
}

/**
 * Points to reverse for a refund of `refunded` on an order, pro rata:
 *   target = floor(earned × min(1, totalRefunded / orderAmount)),  reverse = target − alreadyReversed,
 * capped by what is left of the order's earn entries (earned − reversed − expired): points that
 * expired are gone and are never reversed a second time, so a refund after expiry can never take
 * the balance below what the order left in it.
 * Working on the cumulative refund (not refund by refund) means several partial refunds reverse
 * exactly what one refund of their sum would, rounding never drifts, and the total reversed can
 * never exceed what was earned on the order. Integer arithmetic in cents, no floating point.
 * The reversal is linked to the earn entries it draws from, oldest first.
 */
export function planClawback(earns: readonly OrderEarn[], clawbacks: readonly OrderClawback[], refunded: number, expires: readonly OrderExpire[] = []): ClawbackPlan {
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
  const remaining = remainingByEarn(earns, clawbacks, expires);
  const available = remaining.reduce((s, r) => s + r, 0);
  const points = Math.min(Math.min(target, earned) - already, available);
  if (points <= 0) return { ok: false, reason: 'nothing_left_to_reverse' };
  const links: EntryLink[] = [];
  let left = points;
  earns.forEach((e, i) => {
    const take = Math.min(remaining[i]!, left);
    if (take <= 0) return;
    links.push({ entryId: e.entryId, points: take });
    left -= take;
  });
  return { ok: true, points, links };
}
