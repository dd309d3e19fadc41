import type { Reward } from '@incentive/events';

// The MongoDB state that a list of rewards implies, written from the fulfillment contract (issue 5,
// ARCHITECTURE.md, @incentive/ledger's documents), not from the fulfillment code: one reward record
// per reward, one coupon per coupon reward, one gift order per gift, an insert-only points chain per
// customer (earn; clawback pro rata to the cumulative refund of the order, never more than earned;
// a clawback with nothing to reverse is a no-op), and wallets as the chain's projection.

const DAY_MS = 86_400_000;

export interface ExpectedEntry {
  entryId: string;
  customerId: string;
  seq: number;
  type: 'earn' | 'clawback';
  points: number;
  balanceAfter: number;
  rewardId: string;
  orderId: string | null;
  orderAmount: number | null;
  refunded: number | null;
  occurredAt: string;
}

export interface ExpectedCoupon {
  rewardId: string;
  customerId: string;
  ruleId: string;
  percentOff?: number;
  amountOff?: number;
  currency?: string;
  minSpend?: number;
  issuedAt: string;
  expiresAt: string;
  status: 'issued';
}

export interface ExpectedGift {
  _id: string;
  customerId: string;
  sku: string;
  name: string;
  status: 'pending';
  requestedAt: string;
}

export interface ExpectedWallet {
  _id: string;
  points: number;
  tier?: string;
  badges: string[];
  headSeq: number;
}

export interface ExpectedReward {
  _id: string;
  kind: string;
  customerId: string;
  ruleId: string;
  rulesetVersion: string;
  sourceEventId: string;
  issuedAt: string;
  status: 'applied' | 'noop';
}

export interface ExpectedLedger {
  rewards: ExpectedReward[];
  coupons: ExpectedCoupon[];
  gifts: ExpectedGift[];
  entries: ExpectedEntry[];
  wallets: ExpectedWallet[];
}

const cents = (major: number): number => Math.round(major * 100);

interface OrderState {
  earned: number;
  orderAmount: number | null;
  refundedCents: number;
  reversed: number;
}

export function expectedLedger(rewards: readonly Reward[]): ExpectedLedger {
  const out: ExpectedLedger = { rewards: [], coupons: [], gifts: [], entries: [], wallets: [] };
  const heads = new Map<string, { seq: number; balance: number }>();
  const wallets = new Map<string, ExpectedWallet>();
  const orders = new Map<string, OrderState>();
  const wallet = (customerId: string): ExpectedWallet => {
    let w = wallets.get(customerId);
    if (!w) wallets.set(customerId, (w = { _id: customerId, points: 0, badges: [], headSeq: 0 }));
    return w;
  };
  const append = (r: Reward, e: Omit<ExpectedEntry, 'customerId' | 'seq' | 'balanceAfter' | 'occurredAt' | 'rewardId'>): void => {
    const head = heads.get(r.customerId) ?? { seq: 0, balance: 0 };
    const next = { seq: head.seq + 1, balance: head.balance + e.points };
    heads.set(r.customerId, next);
    out.entries.push({ ...e, customerId: r.customerId, rewardId: r.rewardId, seq: next.seq, balanceAfter: next.balance, occurredAt: new Date(r.issuedAt).toISOString() });
    const w = wallet(r.customerId);
    w.points = next.balance;
    w.headSeq = next.seq;
  };

  for (const r of rewards) {
    let status: 'applied' | 'noop' = 'applied';
    switch (r.kind) {
      case 'points': {
        append(r, { entryId: `${r.rewardId}:earn`, type: 'earn', points: r.points, orderId: r.orderId ?? null, orderAmount: r.orderAmount ?? null, refunded: null });
        if (r.orderId !== undefined) {
          const key = `${r.customerId}#${r.orderId}`;
          const o = orders.get(key) ?? { earned: 0, orderAmount: null, refundedCents: 0, reversed: 0 };
          o.earned += r.points;
          if (r.orderAmount !== undefined && r.orderAmount > 0) o.orderAmount = Math.max(o.orderAmount ?? 0, r.orderAmount);
          orders.set(key, o);
        }
        break;
      }
      case 'clawback': {
        const o = orders.get(`${r.customerId}#${r.orderId}`);
        if (!o || o.earned <= 0 || o.orderAmount === null) {
          status = 'noop';
          break;
        }
        const orderCents = cents(o.orderAmount);
        const total = Math.min(orderCents, o.refundedCents + cents(r.amount));
        // floor(earned × refunded / order) on integers; the numbers here stay far below 2^53.
        const target = Math.min(o.earned, Math.floor((o.earned * total) / orderCents));
        const points = target - o.reversed;
        if (points <= 0) {
          status = 'noop';
          break;
        }
        o.refundedCents += cents(r.amount);
        o.reversed += points;
        append(r, { entryId: `${r.rewardId}:clawback`, type: 'clawback', points: -points, orderId: r.orderId, orderAmount: null, refunded: r.amount });
        break;
      }
      case 'coupon': {
        const expiresAt = r.expiresAt ?? new Date(Date.parse(r.issuedAt) + r.validDays * DAY_MS).toISOString();
        out.coupons.push({
          rewardId: r.rewardId,
          customerId: r.customerId,
          ruleId: r.ruleId,
          ...(r.percentOff !== undefined ? { percentOff: r.percentOff } : {}),
          ...(r.amountOff !== undefined ? { amountOff: r.amountOff } : {}),
          ...(r.currency !== undefined ? { currency: r.currency } : {}),
          ...(r.minSpend !== undefined ? { minSpend: r.minSpend } : {}),
          issuedAt: new Date(r.issuedAt).toISOString(),
          expiresAt: new Date(expiresAt).toISOString(),
          status: 'issued',
        });
        break;
      }
      case 'gift':
        out.gifts.push({ _id: r.rewardId, customerId: r.customerId, sku: r.sku, name: r.name, status: 'pending', requestedAt: new Date(r.issuedAt).toISOString() });
        break;
      case 'badge': {
        const w = wallet(r.customerId);
        if (r.badge.startsWith('tier:')) w.tier = r.badge.slice('tier:'.length);
        else if (!w.badges.includes(r.badge)) w.badges.push(r.badge);
        break;
      }
    }
    out.rewards.push({
      _id: r.rewardId,
      kind: r.kind,
      customerId: r.customerId,
      ruleId: r.ruleId,
      rulesetVersion: r.rulesetVersion,
      sourceEventId: r.sourceEventId,
      issuedAt: new Date(r.issuedAt).toISOString(),
      status,
    });
  }
  out.wallets = [...wallets.values()];
  return out;
}
