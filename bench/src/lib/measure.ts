export interface Measured {
  label: string;
  /** Events actually timed. */
  events: number;
  ms: number;
  perSec: number;
  /** Whether fewer events than requested were timed (time budget), i.e. the rate is extrapolated. */
  sampled: boolean;
}

const now = (): number => performance.now();

/**
 * Times a synchronous per-event function: a warm-up pass, then `rounds` passes over the inputs,
 * each stopped at `budgetMs / rounds` (checked every 64 events); reports the best pass, because the
 * machine is shared and noise only ever slows a pass down. A pass cut short by its budget makes the
 * rate an extrapolation (flagged).
 */
export function measureSync<T>(
  label: string,
  inputs: readonly T[],
  fn: (x: T) => number,
  opts: { budgetMs: number; rounds?: number },
): Measured & { checksum: number } {
  const rounds = opts.rounds ?? 3;
  const pass = (budget: number): { n: number; ms: number; checksum: number } => {
    let checksum = 0;
    let n = 0;
    const t0 = now();
    while (n < inputs.length) {
      checksum += fn(inputs[n] as T);
      n++;
      if ((n & 63) === 0 && now() - t0 > budget) break;
    }
    return { n, ms: now() - t0, checksum };
  };
  pass(opts.budgetMs / (rounds + 1));
  let best = pass(opts.budgetMs / rounds);
  for (let r = 1; r < rounds; r++) {
    const p = pass(opts.budgetMs / rounds);
    if (p.n / p.ms > best.n / best.ms) best = p;
  }
  return { label, events: best.n, ms: best.ms, perSec: (best.n / best.ms) * 1000, sampled: best.n < inputs.length, checksum: best.checksum };
}

/**
 * Times an async per-event function, one event at a time: `rounds` passes each stopped at
 * `budgetMs / rounds` (at least `minEvents`), best pass reported (rate extrapolated when cut short).
 */
export async function measureAsync<T>(
  label: string,
  inputs: readonly T[],
  fn: (x: T) => Promise<number>,
  opts: { budgetMs: number; minEvents?: number; warmup?: number; rounds?: number },
): Promise<Measured & { checksum: number }> {
  const warm = Math.min(opts.warmup ?? 20, inputs.length);
  for (let i = 0; i < warm; i++) await fn(inputs[i] as T);
  const rounds = opts.rounds ?? 2;
  let best: { n: number; ms: number; checksum: number } | undefined;
  for (let r = 0; r < rounds; r++) {
    let checksum = 0;
    let n = 0;
    const t0 = now();
    while (n < inputs.length) {
      checksum += await fn(inputs[n] as T);
      n++;
      if (n >= (opts.minEvents ?? 10) && now() - t0 > opts.budgetMs / rounds) break;
    }
    const p = { n, ms: now() - t0, checksum };
    if (!best || p.n / p.ms > best.n / best.ms) best = p;
  }
  const b = best as { n: number; ms: number; checksum: number };
  return { label, events: b.n, ms: b.ms, perSec: (b.n / b.ms) * 1000, sampled: b.n < inputs.length, checksum: b.checksum };
}

/** Evenly spaced sample of `n` items (for baselines that cannot take the whole set). */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (n >= items.length) return items.slice();
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)] as T);
}

export function fmtRate(perSec: number): string {
  return perSec >= 1e6 ? `${(perSec / 1e6).toFixed(2)}M` : perSec >= 1e3 ? `${(perSec / 1e3).toFixed(1)}k` : perSec.toFixed(0);
}

export function fmtRatio(x: number): string {
  return x >= 100 ? `${x.toFixed(0)}x` : `${x.toFixed(1)}x`;
}

/** Median of the values (mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
}

/** The p-th percentile of values sorted ascending (nearest rank, 0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);
}
