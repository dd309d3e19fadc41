// Limits are counted per issued reward (one unit per rule firing; a points budget counts points).
// Each counter is a sliding window ending at the event's time: consumptions with a time strictly
// after `sinceMs` count (later ones included, so an out-of-order event can never push a window
// over its cap). A request is granted only if every one of its counters has room, and then
// consumes all of them: all or nothing.

export type LimitScope = 'customer' | 'total' | 'budget';

export interface LimitCounter {
  scope: LimitScope;
  /**
   * Storage key, laid out for Redis Cluster with a hash tag per customer or per rule
   * (`{c:<customerId>}:limit:<ruleId>:<window>`, `{r:<ruleId>}:limit:total:<window>`,
   * `{r:<ruleId>}:budget:<window>`); a store may prefix it.
   */
  key: string;
  ruleId: string;
  /** The cap: a count, or a number of points for a budget. */
  max: number;
  /** What this reward consumes: 1, or its points for a budget. */
  amount: number;
  /** Exclusive start of the window (epoch ms); null for "lifetime". */
  sinceMs: number | null;
}

export interface LimitRequest {
  /** Idempotency key (the rewardId of the firing's first reward): a repeat returns the first answer and consumes nothing. */
  id: string;
  /** Event time (epoch ms): the time stamped on each consumption. */
  atMs: number;
  counters: LimitCounter[];
}

export interface LimitStore {
  /**
   * Sequential semantics: request i sees the consumption of requests before it (in this call and
   * earlier ones). Resolves to one answer per request: true = granted and consumed.
   */
  reserve(requests: readonly LimitRequest[]): Promise<boolean[]>;
  /**
   * Optional: the same as `reserve`, answered without a promise by a store that needs no I/O (the
   * in-memory one). With it the pipeline runs synchronously end to end: `simulate` and the fixtures
   * pay no promise or microtask per event.
   */
  reserveNow?(requests: readonly LimitRequest[]): boolean[];
}

export function limitKey(scope: LimitScope, ruleId: string, windowText: string, customerId: string): string {
  if (scope === 'customer') return `{c:${customerId}}:limit:${ruleId}:${windowText}`;
  if (scope === 'total') return `{r:${ruleId}}:limit:total:${windowText}`;
  return `{r:${ruleId}}:budget:${windowText}`;
}

/** Consumptions of one key, sorted by time, with running sums for O(log n) window queries. */
class Series {
  private readonly times: number[] = [];
  private readonly amounts: number[] = [];
  private readonly cumulative: number[] = [];

  private total(): number {
    return this.cumulative[this.cumulative.length - 1] ?? 0;
  }

  /** Sum of amounts with time > sinceMs. */
  sumSince(sinceMs: number | null): number {
    if (sinceMs === null) return this.total();
    const i = this.upperBound(sinceMs);
    return this.total() - (i === 0 ? 0 : (this.cumulative[i - 1] as number));
  }

  add(atMs: number, amount: number): void {
    const i = this.upperBound(atMs);
    if (i === this.times.length) {
      // The common case: events arrive in time order.
      this.times.push(atMs);
      this.amounts.push(amount);
      this.cumulative.push(this.total() + amount);
      return;
    }
    this.times.splice(i, 0, atMs);
    this.amounts.splice(i, 0, amount);
    this.cumulative.splice(i, 0, 0);
    for (let k = i; k < this.cumulative.length; k++) {
      this.cumulative[k] = (k === 0 ? 0 : (this.cumulative[k - 1] as number)) + (this.amounts[k] as number);
    }
  }

  private upperBound(t: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export interface MemoryLimitStore extends LimitStore {
  reserveNow(requests: readonly LimitRequest[]): boolean[];
  /** Consumed amount of a key within a window (for tests and `simulate` summaries). */
  used(key: string, sinceMs?: number | null): number;
}

/** In-process LimitStore for `simulate`, fixtures and tests; same semantics as the Redis store. */
export function createMemoryLimitStore(): MemoryLimitStore {
  const series = new Map<string, Series>();
  const decisions = new Map<string, boolean>();
  const seriesOf = (key: string): Series => {
    let s = series.get(key);
    if (!s) series.set(key, (s = new Series()));
    return s;
  };
  const reserveNow = (requests: readonly LimitRequest[]): boolean[] => {
    const answers: boolean[] = [];
    for (let r = 0; r < requests.length; r++) {
      const req = requests[r] as LimitRequest;
      const previous = decisions.get(req.id);
      if (previous !== undefined) {
        answers.push(previous);
        continue;
      }
      const counters = req.counters;
      let granted = true;
      for (let i = 0; i < counters.length; i++) {
        const c = counters[i] as LimitCounter;
        if (seriesOf(c.key).sumSince(c.sinceMs) + c.amount > c.max) {
          granted = false;
          break;
        }
      }
      if (granted) for (let i = 0; i < counters.length; i++) seriesOf((counters[i] as LimitCounter).key).add(req.atMs, (counters[i] as LimitCounter).amount);
      decisions.set(req.id, granted);
      answers.push(granted);
    }
    return answers;
  };
  return {
    reserveNow,
    reserve: (requests) => Promise.resolve(reserveNow(requests)),
    used(key, sinceMs = null) {
      return series.get(key)?.sumSince(sinceMs) ?? 0;
    },
  };
}
