import { calendarOf } from '@incentive/facts';
import type { CustomerFacts } from '@incentive/facts';
import type { IncentiveEvent } from '@incentive/events';
import { describe, expect, it } from 'vitest';
import { event, purchase, rule, rulesetOf, withUnlintedConditions } from '../../test/support.js';
import type { EvaluationInput } from './create-evaluator.js';
import { createEvaluator } from './create-evaluator.js';

const customer = { orders: 3, tier: 'silver', segment: 'regular' } as unknown as CustomerFacts;
const input = (e: IncentiveEvent, c: CustomerFacts = customer): EvaluationInput => ({ event: e, customer: c, calendar: calendarOf(e.occurredAt, 'UTC') });

async function ids(engine: 'compiled' | 'reference', rules: unknown[], e: IncentiveEvent, c?: CustomerFacts): Promise<string[]> {
  const evaluator = createEvaluator(rulesetOf(rules), { engine });
  return (await evaluator.evaluate(input(e, c))).candidates.map((x) => x.rule.id);
}

describe.each(['compiled', 'reference'] as const)('createEvaluator (%s)', (engine) => {
  it('evaluates only the rules triggered by the event type', async () => {
    const rules = [rule({ id: 'p' }), rule({ id: 's', on: ['signup'], reward: { kind: 'badge', badge: 'b' } }), rule({ id: 'ps', on: ['signup', 'purchase'], reward: { kind: 'badge', badge: 'b' } })];
    expect(await ids(engine, rules, purchase(10))).toEqual(['p', 'ps']);
    expect(await ids(engine, rules, event('signup', {}))).toEqual(['ps', 's']);
    expect(await ids(engine, rules, event('refund', { orderId: 'o', amount: 1, currency: 'GBP' }))).toEqual([]);
  });

  it('skips disabled rules', async () => {
    expect(await ids(engine, [rule({ id: 'a', enabled: false }), rule({ id: 'b' })], purchase(10))).toEqual(['b']);
  });

  it('activeFrom is inclusive and activeUntil exclusive, on event time', async () => {
    const rules = [rule({ id: 'a', activeFrom: '2026-03-01', activeUntil: '2026-04-01' })];
    expect(await ids(engine, rules, purchase(10, '2026-02-28T23:59:59Z'))).toEqual([]);
    expect(await ids(engine, rules, purchase(10, '2026-03-01T00:00:00Z'))).toEqual(['a']);
    expect(await ids(engine, rules, purchase(10, '2026-03-31T23:59:59.999Z'))).toEqual(['a']);
    expect(await ids(engine, rules, purchase(10, '2026-04-01T00:00:00Z'))).toEqual([]);
    expect(await ids(engine, rules, purchase(10, '2026-04-01T01:00:00+02:00'))).toEqual(['a']);
  });

  it('keeps only rules whose conditions hold, over event, customer and calendar', async () => {
    const rules = [
      rule({ id: 'big', conditions: { all: [{ fact: 'event', path: '$.data.amount', operator: 'greaterThanInclusive', value: 100 }] } }),
      rule({ id: 'silver', conditions: { all: [{ fact: 'customer', path: '$.tier', operator: 'equal', value: 'silver' }] } }),
      rule({ id: 'monday', conditions: { all: [{ fact: 'calendar', path: '$.weekday', operator: 'equal', value: 1 }] } }),
      rule({ id: 'not-silver', conditions: { not: { fact: 'customer', path: '$.tier', operator: 'equal', value: 'silver' } } }),
    ];
    expect(await ids(engine, rules, purchase(99.99, '2026-03-02T10:00:00Z'))).toEqual(['monday', 'silver']);
    expect(await ids(engine, rules, purchase(100, '2026-03-03T10:00:00Z'))).toEqual(['big', 'silver']);
  });

  it('orders candidates by group (ungrouped first), priority descending, then id', async () => {
    const rules = [
      rule({ id: 'g2-low', group: 'g2', priority: 1 }),
      rule({ id: 'g1-b', group: 'g1', priority: 5 }),
      rule({ id: 'g1-a', group: 'g1', priority: 5 }),
      rule({ id: 'g1-high', group: 'g1', priority: 9 }),
      rule({ id: 'solo', priority: -3 }),
    ];
    expect(await ids(engine, rules, purchase(10))).toEqual(['solo', 'g1-high', 'g1-a', 'g1-b', 'g2-low']);
  });
});

describe('explain', () => {
  it('says which rules matched, were inactive, or which condition failed with the value seen', () => {
    const evaluator = createEvaluator(
      rulesetOf([
        rule({ id: 'a', conditions: { all: [{ fact: 'customer', path: '$.tier', operator: 'equal', value: 'gold' }] } }),
        rule({ id: 'b', activeFrom: '2030-01-01' }),
        rule({ id: 'c' }),
      ]),
      { engine: 'compiled' },
    );
    const out = evaluator.explain(input(purchase(10)));
    expect(out.map((r) => [r.ruleId, r.outcome])).toEqual([
      ['a', 'conditions-failed'],
      ['b', 'inactive'],
      ['c', 'matched'],
    ]);
    expect(out[0]?.conditions?.blocking[0]).toMatchObject({ kind: 'leaf', pointer: '/all/0', factValue: 'silver', value: 'gold', passed: false });
  });
});

describe('conditions that throw at run time (refused by lint; the engines must still agree)', () => {
  // `customer.tier in <event.data.couponCodes>`: fine when the purchase has coupon codes, but
  // json-rules-engine rejects the whole run when they are missing (undefined has no indexOf).
  const risky = { all: [{ fact: 'customer', path: '$.tier', operator: 'in', value: { fact: 'event', path: '$.data.couponCodes' } }] };
  const build = (activeUntil?: string) =>
    withUnlintedConditions(
      rulesetOf([
        rule({ id: 'risky', ...(activeUntil ? { activeFrom: '2020-01-01', activeUntil } : {}) }),
        rule({ id: 'always' }),
        rule({ id: 'silver', conditions: { all: [{ fact: 'customer', path: '$.tier', operator: 'equal', value: 'silver' }] } }),
      ]),
      { risky },
    );
  const withCodes = (codes: string[] | undefined, at = '2026-03-02T10:00:00Z'): IncentiveEvent => {
    const e = purchase(10, at);
    return codes === undefined ? e : ({ ...e, data: { ...e.data, couponCodes: codes } } as IncentiveEvent);
  };

  it.each([
    ['active', undefined],
    ['inactive (json-rules-engine evaluates it anyway)', '2021-01-01'],
  ])('a throwing rule (%s) rejects the whole event in both engines', async (_name, activeUntil) => {
    const ruleset = build(activeUntil);
    for (const engine of ['compiled', 'reference'] as const) {
      const out = await createEvaluator(ruleset, { engine }).evaluate(input(withCodes(undefined)));
      expect(out.candidates).toEqual([]);
      expect(out.errors).toHaveLength(1);
    }
  });

  it('differential: both engines give the same candidates and the same verdict (error or not) over 400 inputs', async () => {
    let seed = 99;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const tiers = [null, 'bronze', 'silver', 'gold', 'SILVER', ''];
    const codeSets = [undefined, [], ['silver'], ['gold', 'silver'], ['x'], ['bronze', 'gold']];
    let errored = 0;
    let matched = 0;
    for (const activeUntil of [undefined, '2021-01-01']) {
      const ruleset = build(activeUntil);
      const compiled = createEvaluator(ruleset, { engine: 'compiled' });
      const reference = createEvaluator(ruleset, { engine: 'reference' });
      for (let i = 0; i < 200; i++) {
        const c = { ...customer, tier: tiers[Math.floor(rand() * tiers.length)] } as unknown as CustomerFacts;
        const x = input(withCodes(codeSets[Math.floor(rand() * codeSets.length)]), c);
        const a = compiled.evaluate(x) as Awaited<ReturnType<typeof compiled.evaluate>>;
        const b = await reference.evaluate(x);
        expect(a.candidates.map((k) => k.rule.id)).toEqual(b.candidates.map((k) => k.rule.id));
        expect(a.errors.length > 0).toBe(b.errors.length > 0);
        if (a.errors.length > 0) errored++;
        if (a.candidates.some((k) => k.rule.id === 'risky')) matched++;
      }
    }
    // Both outcomes must occur for the comparison to mean something.
    expect(errored).toBeGreaterThan(40);
    expect(matched).toBeGreaterThan(20);
  });
});
