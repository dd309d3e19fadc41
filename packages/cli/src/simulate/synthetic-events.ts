// A seeded, reproducible stream of plausible events (signups with birthdays and referrers,
// referrals, purchases of varied size, refunds of earlier orders) for tests of `simulate`.

export interface SyntheticOptions {
  seed: number;
  customers: number;
  events: number;
  /** First event time (ms); events spread over `days` days in time order. */
  startMs: number;
  days: number;
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticEvents(o: SyntheticOptions): Record<string, unknown>[] {
  const r = prng(o.seed);
  const span = o.days * 86_400_000;
  const times = Array.from({ length: o.events }, () => o.startMs + Math.floor(r() * span)).sort((a, b) => a - b);
  const known: string[] = [];
  const orders = new Map<string, { orderId: string; amount: number }[]>();
  const out: Record<string, unknown>[] = [];
  times.forEach((t, i) => {
    const at = new Date(t).toISOString().replace('.000Z', 'Z');
    const id = `ev${i}`;
    const fresh = known.length < o.customers && (known.length === 0 || r() < 0.15);
    if (fresh) {
      const customerId = `c${known.length}`;
      const month = String(1 + Math.floor(r() * 12)).padStart(2, '0');
      const day = String(1 + Math.floor(r() * 28)).padStart(2, '0');
      const referrerId = known.length > 0 && r() < 0.3 ? known[Math.floor(r() * known.length)] : undefined;
      out.push({ id, type: 'signup', customerId, occurredAt: at, data: { birthday: `--${month}-${day}`, country: 'GB', ...(referrerId ? { referrerId } : {}) } });
      known.push(customerId);
      if (referrerId && r() < 0.7) out.push({ id: `${id}r`, type: 'referral', customerId, occurredAt: at, data: { referrerId } });
      return;
    }
    const customerId = known[Math.floor(Math.pow(r(), 1.5) * known.length)] as string;
    const mine = orders.get(customerId) ?? [];
    if (mine.length > 0 && r() < 0.07) {
      const o2 = mine[Math.floor(r() * mine.length)]!;
      const amount = Math.round(o2.amount * (r() < 0.5 ? 1 : r()) * 100) / 100;
      out.push({ id, type: 'refund', customerId, occurredAt: at, data: { orderId: o2.orderId, amount, currency: 'GBP' } });
      return;
    }
    const big = r();
    const amount = Math.round((big < 0.05 ? 1000 + r() * 3000 : big < 0.1 ? r() * 2 : 5 + r() * 300) * 100) / 100;
    const orderId = `o${i}`;
    mine.push({ orderId, amount });
    orders.set(customerId, mine);
    out.push({
      id,
      type: 'purchase',
      customerId,
      occurredAt: at,
      data: { orderId, amount, currency: 'GBP', items: [{ sku: `SKU${Math.floor(r() * 50)}`, quantity: 1 + Math.floor(r() * 3), unitPrice: amount }] },
    });
  });
  return out;
}
