import { type ConfigProblem, FactsConfigError } from './errors.js';

/** One entry of rules/tiers.json. `minSpend12m` is in major units. */
export interface Tier {
  id: string;
  minSpend12m: number;
}

interface CompiledTiers {
  ids: string[];
  minMinor: number[];
  indexById: Map<string, number>;
}

const TIER_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

function isMoney(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 && Math.abs(Math.round(n * 100) - n * 100) < 1e-6;
}

/**
 * Every problem in a tiers document: a non-empty array of `{id, minSpend12m}`, ids unique
 * (letters, digits, '-', '_'), thresholds >= 0 with at most 2 decimals, strictly ascending.
 */
export function validateTiers(input: unknown): ConfigProblem[] {
  if (!Array.isArray(input)) return [{ pointer: '', message: 'must be an array of {id, minSpend12m}' }];
  if (input.length === 0) return [{ pointer: '', message: 'must list at least one tier' }];
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  let previous: number | undefined;
  input.forEach((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push({ pointer: `/${i}`, message: 'must be an object {id, minSpend12m}' });
      previous = undefined;
      return;
    }
    const { id, minSpend12m } = entry as Record<string, unknown>;
    if (typeof id !== 'string' || !TIER_ID.test(id)) {
      problems.push({ pointer: `/${i}/id`, message: 'must be a string of 1-64 letters, digits, "-" or "_"' });
    } else if (seen.has(id)) {
      problems.push({ pointer: `/${i}/id`, message: `duplicate tier id "${id}"` });
    } else {
      seen.add(id);
    }
    if (!isMoney(minSpend12m)) {
      problems.push({ pointer: `/${i}/minSpend12m`, message: 'must be a number >= 0 with at most 2 decimals' });
      previous = undefined;
      return;
    }
    if (previous !== undefined && minSpend12m <= previous) {
      problems.push({
        pointer: `/${i}/minSpend12m`,
        message: `must be greater than the previous tier's ${previous} (tiers are listed ascending)`,
      });
    }
    previous = minSpend12m;
  });
  return problems;
}

/** Validated tiers (copied), or FactsConfigError listing every problem. */
export function parseTiers(input: unknown, document = 'tiers.json'): Tier[] {
  const problems = validateTiers(input);
  if (problems.length > 0) throw new FactsConfigError(document, problems);
  return (input as Tier[]).map((t) => ({ id: t.id, minSpend12m: t.minSpend12m }));
}

const compiledCache = new WeakMap<readonly Tier[], CompiledTiers>();

export function compileTiers(tiers: readonly Tier[]): CompiledTiers {
  let c = compiledCache.get(tiers);
  if (!c) {
    c = {
      ids: tiers.map((t) => t.id),
      minMinor: tiers.map((t) => Math.round(t.minSpend12m * 100)),
      indexById: new Map(tiers.map((t, i) => [t.id, i])),
    };
    compiledCache.set(tiers, c);
  }
  return c;
}

/** Index of the highest tier whose threshold `spendMinor` reaches; -1 below the lowest. */
export function tierIndexFor(tiers: CompiledTiers, spendMinor: number): number {
  const mins = tiers.minMinor;
  let i = mins.length - 1;
  while (i >= 0 && (mins[i] as number) > spendMinor) i--;
  return i;
}

/** Tier id for a trailing-12-month spend in major units (null below the lowest threshold). */
export function tierFor(tiers: readonly Tier[], spend12m: number): string | null {
  const c = compileTiers(tiers);
  return c.ids[tierIndexFor(c, Math.round(spend12m * 100))] ?? null;
}
