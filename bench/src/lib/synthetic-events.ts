// A seeded stream of plausible events in time order: signups (with birthdays, some referred),
// referrals, purchases (mostly small, some large, a few under £1, with items), refunds of
// earlier orders. Repeat customers follow a skewed distribution, as in retail data.

import { prng } from './prng.js';

export function syntheticEventLines(seed: number, count: number, customers: number, startIso = '2026-01-01T00:00:00Z', days = 365): string[] {
  const r = prng(seed);
  const start = Date.parse(startIso);
  const span = days * 86_400_000;
  const times = Array.from({ length: count }, () => start + Math.floor(r() * span)).sort((a, b) => a - b);
  const known: string[] = [];
  const orders = new Map<string, { orderId: string; amount: number }[]>();
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(times[i] as number).toISOString().replace('.000Z', 'Z');
    const id = `e${i}`;
    if (known.length < customers && (known.length === 0 || r() < 0.08)) {
      const customerId = `C${known.length}`;
      const birthday = `--${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
      const referrerId = known.length > 0 && r() < 0.2 ? known[Math.floor(r() * known.length)] : undefined;
      out.push(JSON.stringify({ id, type: 'signup', customerId, occurredAt: at, data: { email: `${customerId}@example.com`, birthday, country: 'GB', ...(referrerId ? { referrerId } : {}) } }));
      known.push(customerId);
      if (referrerId) out.push(JSON.stringify({ id: `${id}r`, type: 'referral', customerId, occurredAt: at, data: { referrerId } }));
      continue;
    }
    const customerId = known[Math.floor(Math.pow(r(), 2) * known.length)] as string;
    const mine = orders.get(customerId) ?? [];
    if (mine.length > 0 && r() < 0.05) {
      const o = mine[Math.floor(r() * mine.length)] as { orderId: string; amount: number };
      const amount = Math.round(o.amount * (r() < 0.5 ? 1 : r()) * 100) / 100;
      out.push(JSON.stringify({ id, type: 'refund', customerId, occurredAt: at, data: { orderId: o.orderId, amount, currency: 'GBP' } }));
      continue;
    }
    const x = r();
    const amount = Math.round((x < 0.04 ? 1000 + r() * 4000 : x < 0.08 ? r() * 1.5 : 5 + r() * 400) * 100) / 100;
    const orderId = `O${i}`;
    mine.push({ orderId, amount });
    orders.set(customerId, mine);
    const n = 1 + Math.floor(r() * 4);
    const items = Array.from({ length: n }, (_, k) => ({ sku: `SKU${Math.floor(r() * 500)}`, category: k % 2 ? 'home' : 'gifts', quantity: 1 + Math.floor(r() * 5), unitPrice: Math.round((amount / n) * 100) / 100 }));
    out.push(JSON.stringify({ id, type: 'purchase', customerId, occurredAt: at, data: { orderId, amount, currency: 'GBP', items, channel: r() < 0.7 ? 'web' : 'store' } }));
  }
  return out;
}
