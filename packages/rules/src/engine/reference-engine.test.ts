import { describe, expect, it } from 'vitest';
import { compileConditions, createReferenceEngine } from './index.js';
import type { TopLevelCondition } from './index.js';

const rules: { id: string; priority: number; conditions: TopLevelCondition }[] = [
  { id: 'gold', priority: 10, conditions: { all: [{ fact: 'customer', path: '$.tier', operator: 'equal', value: 'gold', priority: 3 }] } },
  { id: 'big', priority: 5, conditions: { all: [{ fact: 'event', path: '$.data.amount', operator: 'greaterThanInclusive', value: 100 }] } },
  { id: 'december', priority: 1, conditions: { any: [{ fact: 'calendar', path: '$.month', operator: 'equal', value: 12 }] } },
];

describe('createReferenceEngine', () => {
  it('returns the ids of the rules whose conditions hold, from one engine holding all rules', async () => {
    const engine = createReferenceEngine(rules);
    expect(await engine.evaluate({ customer: { tier: 'gold' }, event: { data: { amount: 150 } }, calendar: { month: 3 } })).toEqual(new Set(['gold', 'big']));
    expect(await engine.evaluate({ customer: {}, event: { data: {} }, calendar: { month: 12 } })).toEqual(new Set(['december']));
    expect(await engine.evaluate({})).toEqual(new Set());
  });

  it('gives each of many overlapping evaluations its own answer (runs are serialised)', async () => {
    const engine = createReferenceEngine(rules);
    const inputs = Array.from({ length: 60 }, (_, i) => ({ customer: { tier: i % 2 ? 'gold' : 'silver' }, event: { data: { amount: i * 5 } }, calendar: { month: (i % 12) + 1 } }));
    const results = await Promise.all(inputs.map((f) => engine.evaluate(f)));
    const expected = inputs.map((f) => new Set(rules.filter((r) => compileConditions(r.conditions)(f)).map((r) => r.id)));
    expect(results).toEqual(expected);
    expect(results.some((s) => s.size === 3)).toBe(true);
  });

  it('a new engine per evaluation gives the same answers', async () => {
    const shared = createReferenceEngine(rules);
    const fresh = createReferenceEngine(rules, { enginePerEvaluation: true });
    const f = { customer: { tier: 'gold' }, event: { data: { amount: 100 } }, calendar: { month: 12 } };
    expect(await fresh.evaluate(f)).toEqual(await shared.evaluate(f));
  });

  it('rejects when a condition throws, and keeps serving afterwards', async () => {
    const engine = createReferenceEngine([...rules, { id: 'bad', priority: 1, conditions: { all: [{ fact: 'customer', path: '$.tier', operator: 'in', value: { fact: 'customer', path: '$.n' } }] } }]);
    await expect(engine.evaluate({ customer: { tier: 'gold', n: 3 } })).rejects.toThrow(/indexOf/);
    expect(await engine.evaluate({ customer: { tier: 'gold', n: ['gold'] } })).toEqual(new Set(['gold', 'bad']));
  });

  it('does not mutate the rules it is given, and refuses duplicate ids', () => {
    const snapshot = JSON.stringify(rules);
    createReferenceEngine(rules);
    expect(JSON.stringify(rules)).toBe(snapshot);
    expect(() => createReferenceEngine([rules[0]!, rules[0]!])).toThrow(/duplicate rule id "gold"/);
  });
});
