import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileConditions, ConditionEvaluationError, ConditionSyntaxError, createReferenceEngine, TIER_UP_CALLS } from './index.js';
import { tierState } from './compile-conditions.js';
import type { ConditionFacts, TopLevelCondition } from './index.js';
import { generatedSources } from './codegen.js';

type Outcome = boolean | 'throws';

/** Both engines' answers, so every targeted case also pins json-rules-engine's behaviour. */
async function both(conditions: unknown, facts: ConditionFacts): Promise<[Outcome, Outcome]> {
  const c = conditions as TopLevelCondition;
  const outcome = (mode: 'closures' | 'codegen'): Outcome => {
    try {
      return compileConditions(c, { mode })(facts);
    } catch (err) {
      expect(err).toBeInstanceOf(ConditionEvaluationError);
      return 'throws';
    }
  };
  const compiled = outcome('closures');
  expect(outcome('codegen'), 'codegen agrees with closures').toBe(compiled);
  let reference: Outcome;
  try {
    reference = (await createReferenceEngine([{ id: 'r', conditions: c }]).evaluate(facts)).has('r');
  } catch {
    reference = 'throws';
  }
  return [compiled, reference];
}

const leaf = (fact: string, path: string | undefined, operator: string, value: unknown) => ({
  all: [path === undefined ? { fact, operator, value } : { fact, path, operator, value }],
});

async function expectBoth(conditions: unknown, facts: ConditionFacts, expected: Outcome): Promise<void> {
  expect(await both(conditions, facts)).toEqual([expected, expected]);
}

describe('compileConditions: json-rules-engine semantics', () => {
  const customer = { tier: 'gold', orders: 3, spend: '250', tags: ['vip', 7], code: '5abc', none: null, nested: { a: [10, 20] } };

  it('equal and notEqual are strict (no coercion, undefined is not null)', async () => {
    await expectBoth(leaf('customer', '$.orders', 'equal', 3), { customer }, true);
    await expectBoth(leaf('customer', '$.orders', 'equal', '3'), { customer }, false);
    await expectBoth(leaf('customer', '$.none', 'equal', null), { customer }, true);
    await expectBoth(leaf('customer', '$.missing', 'equal', null), { customer }, false);
    await expectBoth(leaf('customer', '$.missing', 'notEqual', 'x'), { customer }, true);
    await expectBoth(leaf('customer', '$.nested', 'equal', { a: [10, 20] }), { customer }, false);
  });

  it('numeric operators validate only the fact value with parseFloat, then compare with JavaScript coercion', async () => {
    await expectBoth(leaf('customer', '$.spend', 'greaterThan', 200), { customer }, true); // '250' > 200
    await expectBoth(leaf('customer', '$.code', 'lessThan', 10), { customer }, false); // '5abc' passes the validator, compares as NaN
    await expectBoth(leaf('customer', '$.orders', 'lessThan', '10'), { customer }, true); // 3 < '10'
    await expectBoth(leaf('customer', '$.none', 'greaterThanInclusive', 0), { customer }, false); // null fails the validator
    await expectBoth(leaf('customer', '$.missing', 'lessThanInclusive', 0), { customer }, false);
    await expectBoth(leaf('customer', '$.nested.a', 'greaterThan', 5), { customer }, false); // '10,20' -> NaN
    await expectBoth(leaf('customer', '$.nested.a[1]', 'greaterThanInclusive', 20), { customer }, true);
    await expectBoth(leaf('event', '$.flag', 'greaterThan', 0), { event: { flag: true } }, false); // true fails the validator
    await expectBoth(leaf('event', '$.one', 'greaterThan', 0), { event: { one: [3] } }, true); // [3] -> '3'
  });

  it('in/notIn: arrays by strict equality, strings by substring of the fact string, anything else throws', async () => {
    await expectBoth(leaf('customer', '$.tier', 'in', ['silver', 'gold']), { customer }, true);
    await expectBoth(leaf('customer', '$.orders', 'in', ['3']), { customer }, false);
    await expectBoth(leaf('customer', '$.tier', 'in', 'platinum,gold'), { customer }, true);
    await expectBoth(leaf('customer', '$.tier', 'in', 'golden'), { customer }, true);
    await expectBoth(leaf('customer', '$.missing', 'in', 'undefined fact'), { customer }, true); // String(undefined)
    await expectBoth(leaf('customer', '$.tier', 'notIn', ['silver']), { customer }, true);
    await expectBoth(leaf('customer', '$.tier', 'in', 5), { customer }, 'throws');
    await expectBoth(leaf('customer', '$.tier', 'notIn', null), { customer }, 'throws');
    await expectBoth(leaf('customer', '$.tier', 'in', { fact: 'customer', path: '$.orders' }), { customer }, 'throws');
    const many = Array.from({ length: 50 }, (_, i) => `t${i}`);
    await expectBoth(leaf('customer', '$.tier', 'in', [...many, 'gold']), { customer }, true);
    await expectBoth(leaf('event', '$.x', 'in', [...many, 0]), { event: { x: -0 } }, true);
    await expectBoth(leaf('event', '$.x', 'notIn', many), { event: { x: 'gold' } }, true);
  });

  it('contains/doesNotContain need an array fact value (a string fact is false for both)', async () => {
    await expectBoth(leaf('customer', '$.tags', 'contains', 'vip'), { customer }, true);
    await expectBoth(leaf('customer', '$.tags', 'contains', '7'), { customer }, false);
    await expectBoth(leaf('customer', '$.tier', 'contains', 'go'), { customer }, false);
    await expectBoth(leaf('customer', '$.tier', 'doesNotContain', 'x'), { customer }, false);
    await expectBoth(leaf('customer', '$.tags', 'doesNotContain', 'x'), { customer }, true);
  });

  it('missing facts, unknown facts and paths on non-objects read like json-rules-engine with allowUndefinedFacts', async () => {
    await expectBoth(leaf('customer', '$.tier', 'equal', undefined), {}, true);
    await expectBoth(leaf('nope', '$.tier', 'notEqual', 'gold'), { customer }, true);
    await expectBoth(leaf('customer', '$.tier', 'equal', 5), { customer: 5 }, true); // a path on a number returns the number
    await expectBoth(leaf('customer', '$.tier', 'equal', 'x'), { customer: 'x' }, true);
    await expectBoth(leaf('customer', undefined, 'equal', null), { customer: null }, true);
    await expectBoth(leaf('customer', '$', 'contains', 1), { customer: [1, 2] }, true);
  });

  it('paths read own properties only (no prototype), array length is readable', async () => {
    await expectBoth(leaf('customer', '$.constructor', 'equal', undefined), { customer }, true);
    await expectBoth(leaf('customer', '$.tier.length', 'equal', undefined), { customer }, true);
    await expectBoth(leaf('customer', '$.tags.length', 'equal', 2), { customer }, true);
    await expectBoth(leaf('customer', '$["tier"]', 'equal', 'gold'), { customer }, true);
    await expectBoth(leaf('customer', "$.nested['a'][0]", 'equal', 10), { customer }, true);
  });

  it('fact references as values', async () => {
    const facts = { event: { data: { amount: 300 } }, customer: { avg: 100, tier: 'gold', tiers: ['gold'] } };
    await expectBoth(leaf('event', '$.data.amount', 'greaterThan', { fact: 'customer', path: '$.avg' }), facts, true);
    await expectBoth(leaf('customer', '$.tier', 'in', { fact: 'customer', path: '$.tiers' }), facts, true);
    await expectBoth(leaf('customer', '$.tier', 'equal', { fact: 'customer', path: '$.missing' }), facts, false);
    await expectBoth(leaf('customer', '$.missing', 'equal', { fact: 'calendar', path: '$.x' }), facts, true);
  });

  it('empty all and empty any are both true; not negates; a single child is evaluated alone', async () => {
    await expectBoth({ all: [] }, {}, true);
    await expectBoth({ any: [] }, {}, true);
    await expectBoth({ not: { any: [] } }, {}, false);
    await expectBoth({ any: [{ all: [] }, leaf('event', '$.x', 'equal', 1)] }, {}, true);
    await expectBoth({ not: { fact: 'event', path: '$.x', operator: 'equal', value: 1 } }, { event: { x: 2 } }, true);
  });

  it('a throwing sibling rejects the whole rule even after the result is decided, unless a higher priority set decides first', async () => {
    const bad = { fact: 'event', path: '$.x', operator: 'in', value: { fact: 'event', path: '$.n' } };
    const no = { fact: 'event', path: '$.x', operator: 'equal', value: 'nope' };
    const facts = { event: { x: 1, n: 5 } };
    await expectBoth({ all: [no, bad] }, facts, 'throws');
    await expectBoth({ all: [{ ...no, priority: 10 }, bad] }, facts, false);
    await expectBoth({ any: [{ all: [] }, bad] }, facts, 'throws');
    await expectBoth({ any: [{ all: [], priority: 5 }, bad] }, facts, true);
    await expectBoth({ all: [no, { any: [bad] }] }, facts, 'throws');
    await expectBoth({ all: [no, { any: [bad], priority: 0.5 }] }, facts, 'throws'); // parseInt(0.5) || 1 = 1: same set
  });

  it('literal objects are copied like json-rules-engine copies rules (keys shadowing Object.prototype are dropped)', async () => {
    const weird = { toString: 1, valueOf: 1 };
    // The fact side keeps its keys: relational comparison cannot turn it into a primitive.
    await expectBoth(leaf('event', '$.w', 'greaterThan', 1), { event: { w: weird } }, 'throws');
    // The literal side loses them and compares as '[object Object]'.
    await expectBoth(leaf('event', '$.n', 'lessThan', weird), { event: { n: 1 } }, false);
  });

  for (const mode of ['closures', 'codegen'] as const) {
    it(`${mode}: the compiled predicate does not keep references to the rule JSON`, () => {
      const value = ['gold'];
      const test = compileConditions(leaf('customer', '$.tier', 'in', value) as TopLevelCondition, { mode });
      value[0] = 'silver';
      expect(test({ customer: { tier: 'gold' } })).toBe(true);
    });

    it(`${mode}: evaluation errors name the condition and the reason`, () => {
      const test = compileConditions({ any: [{ fact: 'event', operator: 'equal', value: 1 }, { fact: 'customer', path: '$.tier', operator: 'in', value: 7 }] }, { mode });
      expect(() => test({ customer: {} })).toThrowError(/^\/any\/1: operator "in" needs an array or a string as value, got number$/);
    });
  }

  it('adaptive: closures first, generated code after TIER_UP_CALLS evaluations, same answers throughout', () => {
    const conditions: TopLevelCondition = {
      all: [
        { fact: 'customer', path: '$.tier', operator: 'in', value: ['gold', 'platinum'] },
        { any: [{ fact: 'event', path: '$.data.amount', operator: 'greaterThanInclusive', value: 100 }, { not: { fact: 'calendar', path: '$.month', operator: 'notEqual', value: 12 } }] },
      ],
    };
    const adaptive = compileConditions(conditions, { mode: 'adaptive' });
    const closures = compileConditions(conditions, { mode: 'closures' });
    const tiers = ['bronze', 'gold', 'platinum', undefined];
    let hits = 0;
    for (let i = 0; i < TIER_UP_CALLS + 500; i++) {
      const facts = { customer: { tier: tiers[i % 4] }, event: { data: { amount: (i * 37) % 250 } }, calendar: { month: 1 + (i % 12) } };
      expect(tierState.get(adaptive)!.generated).toBe(i > TIER_UP_CALLS - 1);
      const got = adaptive(facts);
      expect(got).toBe(closures(facts));
      if (got) hits++;
    }
    expect(tierState.get(adaptive)!.generated).toBe(true);
    expect(hits).toBeGreaterThan(300);
  });

  it('codegen falls back to closures in a process where code generation from strings is disabled', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nocodegen-'));
    const script = join(dir, 'probe.mjs');
    const engine = new URL('./index.ts', import.meta.url).href;
    writeFileSync(
      script,
      `const { compileConditions } = await import(${JSON.stringify(engine)});
const t = compileConditions({ all: [{ fact: 'customer', path: '$.tier', operator: 'in', value: ['gold'] }] }, { mode: 'codegen' });
let generated = true; try { new Function('return 1'); } catch { generated = false; }
console.log(JSON.stringify([generated, t({ customer: { tier: 'gold' } }), t({ customer: { tier: 'x' } })]));`,
    );
    const r = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--conditions=source', '--import', 'tsx', script], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([false, true, false]);
  }, 30_000);

  it('codegen never puts analyst text into generated source', () => {
    const evil = "'); globalThis.pwned = 1; ('";
    const conditions = {
      all: [
        { fact: evil, path: `$["${evil.replace(/"/g, '')}"]`, operator: 'notEqual', value: evil },
        { fact: 'customer', path: '$.tier', operator: 'in', value: [evil, `\u2028${evil}`] },
        { fact: 'event', path: "$['x']", operator: 'equal', value: { fact: 'customer', path: '$.a' }, name: evil },
      ],
    } as unknown as TopLevelCondition;
    const test = compileConditions(conditions, { mode: 'codegen' });
    const source = generatedSources.get(test)!;
    expect(source).toBeDefined();
    for (const text of ['pwned', 'tier', 'customer.a', "'x'", 'notEqual']) expect(source).not.toContain(text);
    expect(test({ customer: { tier: evil }, event: { x: 1 } })).toBe(false);
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });
});

describe('compileConditions: refused conditions', () => {
  const cases: [string, unknown, RegExp][] = [
    ['root without all/any/not', { fact: 'event', operator: 'equal', value: 1 }, /^\/: conditions root must be/],
    ['unknown operator', { all: [{ fact: 'event', operator: 'equals', value: 1 }] }, /^\/all\/0\/operator: unknown operator "equals"/],
    ['decorated operator', { all: [{ fact: 'event', operator: 'not:equal', value: 1 }] }, /^\/all\/0\/operator: unknown operator/],
    ['missing value', { all: [{ fact: 'event', operator: 'equal' }] }, /^\/all\/0\/value: value is required/],
    ['missing fact', { any: [{ operator: 'equal', value: 1 }] }, /^\/any\/0\/fact: fact must be a non-empty string/],
    ['JSONPath wildcard', { all: [{ fact: 'event', path: '$.items[*].sku', operator: 'equal', value: 1 }] }, /^\/all\/0\/path: .*only \[index\]/],
    ['recursive descent', { all: [{ fact: 'event', path: '$..sku', operator: 'equal', value: 1 }] }, /^\/all\/0\/path: .*expected a property name/],
    ['path without $', { all: [{ fact: 'event', path: 'data.amount', operator: 'equal', value: 1 }] }, /must start with "\$"/],
    ['bad fact reference path', { all: [{ fact: 'event', operator: 'equal', value: { fact: 'customer', path: '$.a[?(@.x)]' } }] }, /^\/all\/0\/value\/path:/],
    ['not with an array', { not: [{ fact: 'event', operator: 'equal', value: 1 }] }, /^\/not: "not" takes one condition/],
    ['all not an array', { all: { fact: 'event', operator: 'equal', value: 1 } }, /^\/all: "all" must be an array/],
    ['two boolean keys', { all: [], any: [] }, /exactly one of "all", "any", "not"/],
    ['named condition reference', { all: [{ condition: 'vip' }] }, /^\/all\/0\/condition: named condition references/],
    ['string priority', { all: [{ fact: 'event', operator: 'equal', value: 1, priority: 'high' }] }, /^\/all\/0\/priority:/],
    ['__proto__ in a literal', { all: [{ fact: 'event', operator: 'equal', value: JSON.parse('{"__proto__": {"x": 1}}') }] }, /__proto__/],
  ];
  for (const [title, conditions, message] of cases) {
    it(title, () => {
      expect(() => compileConditions(conditions as TopLevelCondition)).toThrowError(message);
      try {
        compileConditions(conditions as TopLevelCondition);
      } catch (err) {
        expect(err).toBeInstanceOf(ConditionSyntaxError);
      }
    });
  }
});
