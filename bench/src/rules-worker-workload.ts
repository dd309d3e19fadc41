// Workload for the rules-worker benchmark: events for Zipf-distributed customers (a few customers
// are very active, most appear once or twice), as real traffic looks. Deterministic for a seed.

export interface BenchEvent {
  id: string;
  type: 'signup' | 'purchase' | 'refund';
  customerId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Zipf(s) sampler over ranks 1..n by inverse CDF on a precomputed table. */
function zipf(n: number, s: number, rand: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 1; k <= n; k++) {
    sum += 1 / k ** s;
    cdf[k - 1] = sum;
  }
  return () => {
    const u = rand() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** `count` events: a customer's first event is a signup, then purchases (~3% refunds of an earlier order). */
export function* benchEvents(count: number, options: { customers?: number; zipfS?: number; seed?: number; startMs?: number; idPrefix?: string } = {}): Generator<BenchEvent> {
  const rand = lcg(options.seed ?? 7);
  const pick = zipf(options.customers ?? 20_000, options.zipfS ?? 1.05, rand);
  const seen = new Map<number, number>();
  const start = options.startMs ?? Date.parse('2026-01-05T08:00:00Z');
  const prefix = options.idPrefix ?? 'b';
  for (let i = 0; i < count; i++) {
    const c = pick();
    const customerId = `cust-${c}`;
    const occurredAt = new Date(start + i * 15_000).toISOString();
    const orders = seen.get(c);
    if (orders === undefined) {
      seen.set(c, 0);
      yield { id: `${prefix}-${i}`, type: 'signup', customerId, occurredAt, data: { country: 'GB', birthday: `1985-${String(1 + (c % 12)).padStart(2, '0')}-${String(1 + (c % 28)).padStart(2, '0')}` } };
    } else if (orders > 0 && rand() < 0.03) {
      yield { id: `${prefix}-${i}`, type: 'refund', customerId, occurredAt, data: { orderId: `o-${c}-${orders - 1}`, amount: 5, currency: 'GBP' } };
    } else {
      seen.set(c, orders + 1);
      const amount = Math.round((5 + rand() * 195) * 100) / 100;
      yield { id: `${prefix}-${i}`, type: 'purchase', customerId, occurredAt, data: { orderId: `o-${c}-${orders}`, amount, currency: 'GBP' } };
    }
  }
}
