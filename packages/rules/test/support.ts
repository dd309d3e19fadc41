import type { IncentiveEvent } from '@incentive/events';
import { buildRuleset } from '../src/load/build-ruleset.js';
import type { Ruleset } from '../src/ruleset.js';

// Builds rulesets from inline rule objects for unit tests (no files on disk).

export const TIERS = [
  { id: 'bronze', minSpend12m: 0 },
  { id: 'silver', minSpend12m: 1000 },
  { id: 'gold', minSpend12m: 4000 },
];
export const SEGMENTS = [
  { id: 'new', conditions: { all: [{ fact: 'customer', path: '$.orders', operator: 'equal', value: 0 }] } },
  { id: 'potential', conditions: { all: [{ fact: 'customer', path: '$.orders', operator: 'lessThanInclusive', value: 2 }] } },
];
export const SCHEDULE = { timezone: 'UTC', inactivityDays: [30, 60, 90], pointsExpireAfterDays: 365 };

export function filesOf(rules: unknown, extra: Record<string, unknown> = {}): Map<string, string> {
  const files = new Map<string, string>([
    ['segments.json', JSON.stringify(SEGMENTS)],
    ['tiers.json', JSON.stringify(TIERS)],
    ['schedule.json', JSON.stringify(SCHEDULE)],
    ['incentives/main.json', JSON.stringify(rules)],
  ]);
  for (const [k, v] of Object.entries(extra)) files.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  return files;
}

export function rulesetOf(rules: unknown[], extra: Record<string, unknown> = {}): Ruleset {
  const r = buildRuleset(filesOf(rules, extra));
  if (!r.ok) throw new Error(`test ruleset does not lint:\n${r.problems.map((p) => `${p.file}:${p.pointer}: ${p.message}`).join('\n')}`);
  return r.ruleset;
}

/** A minimal valid rule; override any field. */
export function rule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'r1', on: ['purchase'], conditions: { all: [] }, reward: { kind: 'points', points: 10 }, ...overrides };
}

let seq = 0;
export function purchase(amount: number, at = '2026-03-02T10:00:00Z', customerId = 'c1', orderId = `o${++seq}`): IncentiveEvent {
  return { id: `e-${orderId}-${at}`, type: 'purchase', customerId, occurredAt: at, data: { orderId, amount, currency: 'GBP' } };
}

export function event(type: string, data: Record<string, unknown>, at = '2026-03-02T10:00:00Z', customerId = 'c1', id?: string): IncentiveEvent {
  return { id: id ?? `e-${type}-${++seq}`, type, customerId, occurredAt: at, data } as IncentiveEvent;
}

/**
 * A copy of `ruleset` with some rules' conditions replaced without lint: for conditions that lint
 * refuses (they can throw at run time), to test the engines' backstop behaviour.
 */
export function withUnlintedConditions(ruleset: Ruleset, conditions: Record<string, unknown>): Ruleset {
  return {
    ...ruleset,
    rules: ruleset.rules.map((r) => (r.id in conditions ? { ...r, conditions: conditions[r.id] as Ruleset['rules'][number]['conditions'] } : r)),
  };
}
