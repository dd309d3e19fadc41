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

/**
 * Consumptions of one key in time order, flat: `[time0, total0, time1, total1, ...]`, where
 * `total` is the running sum up to and including that entry, so the sum over a window is one
 * binary search. One array per key, created with its first entry: most keys (one customer, one
 * rule) see one or two consumptions, and a simulation keeps tens of thousands of them alive.
 */
type Series = number[];

/** Index of the first entry with time > t (an even index; `series.length` when none). */
function firstAfter(series: Series, t: number): number {
  let lo = 0;
  let hi = series.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((series[2 * mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return 2 * lo;
}

/** Sum of amounts with time > sinceMs (all of them for null). */
function sumSince(series: Series, sinceMs: number | null): number {
  const total = series.length === 0 ? 0 : (series[series.length - 1] as number);
  if (sinceMs === null) return total;
  const i = firstAfter(series, sinceMs);
  return total - (i === 0 ? 0 : (series[i - 1] as number));
}

function add(series: Series, atMs: number, amount: number): void {
  const i = firstAfter(series, atMs);
  const before = i === 0 ? 0 : (series[i - 1] as number);
  if (i === series.length) {
    // The common case: events arrive in time order.
    series.push(atMs, before + amount);
    return;
  }
  series.splice(i, 0, atMs, before + amount);
  for (let k = i + 3; k < series.length; k += 2) series[k] = (series[k] as number) + amount;
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
        const s = series.get(c.key);
        if ((s === undefined ? 0 : sumSince(s, c.sinceMs)) + c.amount > c.max) {
          granted = false;
          break;
        }
      }
      if (granted) {
        for (let i = 0; i < counters.length; i++) {
          const c = counters[i] as LimitCounter;
          const s = series.get(c.key);
          if (s === undefined) series.set(c.key, [req.atMs, c.amount]);
          else add(s, req.atMs, c.amount);
        }
      }
      decisions.set(req.id, granted);
      answers.push(granted);
    }
    return answers;
  };
  return {
    reserveNow,
    reserve: (requests) => Promise.resolve(reserveNow(requests)),
    used(key, sinceMs = null) {
      const s = series.get(key);
      return s === undefined ? 0 : sumSince(s, sinceMs);
    },
  };
}
