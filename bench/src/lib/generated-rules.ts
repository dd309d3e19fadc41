// Generated rules in the catalogue's style (tier, segment, spend, recency, streak, calendar and
// order-amount conditions; nested any/not; groups and priorities), for scaling the rule count.

import type { Condition, RuleSpec, TopLevelCondition } from '@incentive/rules';
import type { EventType } from '@incentive/events';
import { pick, prng } from './prng.js';

const TIERS = ['bronze', 'silver', 'gold', 'platinum'];
const SEGMENTS = ['new', 'potential', 'loyal', 'high-value', 'churned', 'regular'];

function leaf(r: () => number): Condition {
  const x = Math.floor(r() * 14);
  const c = (fact: string, path: string, operator: string, value: unknown): Condition => ({ fact, path, operator, value });
  switch (x) {
    case 0:
      return c('customer', '$.tier', 'equal', pick(r, TIERS));
    case 1:
      return c('customer', '$.tier', 'in', TIERS.filter(() => r() < 0.5));
    case 2:
      return c('customer', '$.segment', 'in', SEGMENTS.filter(() => r() < 0.4));
    case 3:
      return c('customer', '$.spend12m', 'greaterThanInclusive', Math.floor(r() * 5000));
    case 4:
      return c('customer', '$.orders', 'greaterThan', Math.floor(r() * 10));
    case 5:
      return c('customer', '$.daysSinceLastPurchase', 'greaterThanInclusive', Math.floor(r() * 120));
    case 6:
      return c('event', '$.data.amount', 'greaterThanInclusive', Math.floor(r() * 500));
    case 7:
      return c('event', '$.data.amount', 'lessThan', Math.floor(r() * 2000));
    case 8:
      return c('calendar', '$.month', 'in', [1 + Math.floor(r() * 12), 1 + Math.floor(r() * 12)]);
    case 9:
      return c('calendar', '$.weekday', 'in', [6, 7]);
    case 10:
      return c('customer', '$.weeklyStreak', 'greaterThanInclusive', 1 + Math.floor(r() * 4));
    case 11:
      return c('event', '$.data.items[0].category', 'equal', pick(r, ['home', 'gifts', 'toys']));
    case 12:
      return c('event', '$.data.channel', 'notEqual', 'store');
    default:
      return c('customer', '$.country', 'equal', 'GB');
  }
}

function conditions(r: () => number): TopLevelCondition {
  const n = 1 + Math.floor(r() * 3);
  const all: Condition[] = Array.from({ length: n }, () => leaf(r));
  const x = r();
  if (x < 0.25) all.push({ any: [leaf(r), leaf(r)] });
  else if (x < 0.35) all.push({ not: leaf(r) });
  return { all };
}

/** `count` rule specs, ready for createEvaluator. */
export function generateRules(count: number, seed: number): RuleSpec[] {
  const r = prng(seed);
  return Array.from({ length: count }, (_, i): RuleSpec => {
    const x = r();
    const on: EventType[] = x < 0.75 ? ['purchase'] : x < 0.85 ? ['refund'] : x < 0.95 ? ['signup'] : ['purchase', 'refund'];
    return {
      id: `gen-${String(i).padStart(4, '0')}`,
      on,
      priority: 1 + Math.floor(r() * 500),
      enabled: true,
      activeFromMs: -Infinity,
      activeUntilMs: Infinity,
      group: r() < 0.4 ? `g${Math.floor(i / 5)}` : null,
      conditions: conditions(r),
      rewards: [{ kind: 'points', points: 10 }],
      limits: null,
      source: { file: 'generated', pointer: `/${i}` },
    };
  });
}
