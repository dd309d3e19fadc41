// Differential test: compiled conditions against json-rules-engine 7.3.1 itself, over randomly
// generated (seeded, reproducible) conditions and facts. Every operator, all/any/not nesting,
// priorities, fact-to-fact values, missing facts and paths, nulls, arrays, numeric strings, and
// the inputs on which json-rules-engine rejects: both must agree on true, false or "throws".

import { describe, expect, it } from 'vitest';
import { compileConditions, createReferenceEngine, explainConditions, OPERATORS, resolvePlainPath } from './index.js';
import type { Condition, ConditionFacts, TopLevelCondition } from './index.js';

/** mulberry32: small, fast, reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const KEYS = ['a', 'b', 'tier', 'amount', 'tags'] as const;
const SCALARS: readonly unknown[] = [
  0, 1, 2, 5, 10, -3, 2.5, 1e21, Infinity, -Infinity, NaN,
  '5', '10', '5abc', ' 7', '', 'gold', 'go', 'a', 'abc', 'undefined', 'null', '1,2',
  true, false, null,
];

function randomScalar(r: Rand): unknown {
  return pick(r, SCALARS);
}

function randomValue(r: Rand, depth: number): unknown {
  const x = r();
  if (x < 0.55 || depth <= 0) return randomScalar(r);
  if (x < 0.75) return Array.from({ length: Math.floor(r() * 4) }, () => (r() < 0.85 ? randomScalar(r) : randomValue(r, depth - 1)));
  if (x < 0.78) return { toString: 1, valueOf: 1 }; // no usable primitive form: relational operators throw
  return randomObject(r, depth - 1);
}

function randomObject(r: Rand, depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const k of KEYS) {
    if (r() < 0.85) o[k] = k === 'tags' && r() < 0.7 ? Array.from({ length: Math.floor(r() * 4) }, () => randomScalar(r)) : randomValue(r, depth);
  }
  return o;
}

function randomFacts(r: Rand): ConditionFacts {
  const fact = (): unknown => {
    const x = r();
    if (x < 0.08) return undefined;
    if (x < 0.12) return randomScalar(r); // a path on a non-object returns the fact itself
    if (x < 0.15) return [randomScalar(r), randomScalar(r)];
    return randomObject(r, 3);
  };
  const facts: ConditionFacts = {};
  if (r() < 0.95) facts.event = fact();
  if (r() < 0.95) facts.customer = fact();
  if (r() < 0.95) facts.calendar = fact();
  return facts;
}

const FACTS = ['event', 'customer', 'calendar', 'event', 'customer', 'calendar', 'unknownFact'] as const;
const PATHS: readonly (string | undefined)[] = [
  undefined, '', '$', '$.a', '$.b', '$.tier', '$.amount', '$.tags', '$.tags[0]', '$.tags[1]',
  '$.b', '$.tier', '$.amount', '$.tags', '$.amount', '$.tier',
  '$.a.b', '$.a.tier', '$.a.tags[0]', '$.b.a.amount', '$["tier"]', "$['a'].b", '$.missing', '$.tags.length',
  '$.toString', '$.a.valueOf', "$['__proto__']", '$.tags.map',
];

function randomLiteral(r: Rand, operator: string): unknown {
  const x = r();
  if ((operator === 'in' || operator === 'notIn') && x < 0.7) {
    return x < 0.55 ? Array.from({ length: Math.floor(r() * 12) }, () => randomScalar(r)) : pick(r, ['gold,silver', 'abc', '5', '']);
  }
  if (x < 0.85) return randomScalar(r);
  if (x < 0.95) return [randomScalar(r), randomScalar(r)];
  return randomObject(r, 1);
}

/** A literal taken from what the leaf actually reads in some facts, so equal/in/contains also hit. */
function literalNear(r: Rand, operator: string, leaf: Record<string, unknown>, facts: readonly ConditionFacts[]): unknown {
  if (r() < 0.3) return randomLiteral(r, operator);
  const start = Math.floor(r() * facts.length);
  for (let k = 0; k < facts.length; k++) {
    let v = (facts[(start + k) % facts.length] as Record<string, unknown>)[leaf.fact as string];
    if (typeof leaf.path === 'string' && leaf.path && v !== null && typeof v === 'object') v = resolvePlainPath(v, leaf.path);
    if (v === undefined) continue;
    if (operator === 'contains' || operator === 'doesNotContain') {
      if (Array.isArray(v) && v.length > 0) return pick(r, v);
      continue;
    }
    // Objects are never `===` a literal copy: keep equality leaves able to hit.
    if (v !== null && typeof v === 'object') continue;
    return operator === 'in' || operator === 'notIn' ? [randomScalar(r), v] : v;
  }
  return randomLiteral(r, operator);
}

function randomLeaf(r: Rand): Condition {
  const operator = pick(r, OPERATORS);
  const leaf: Record<string, unknown> = { fact: pick(r, FACTS), operator };
  const path = pick(r, PATHS);
  if (path !== undefined) leaf.path = path;
  leaf.value = r() < 0.2 ? { fact: pick(r, FACTS), ...(r() < 0.85 ? { path: pick(r, PATHS.filter((p) => p)) } : {}) } : randomLiteral(r, operator);
  if (r() < 0.15) leaf.priority = pick(r, [1, 2, 3, 5]);
  return leaf as unknown as Condition;
}

function randomNode(r: Rand, depth: number): Condition {
  if (depth <= 0 || r() < 0.45) return randomLeaf(r);
  return randomGroup(r, depth);
}

function randomGroup(r: Rand, depth: number): TopLevelCondition {
  const x = r();
  const node: Record<string, unknown> =
    x < 0.15 ? { not: randomNode(r, depth - 1) } : { [x < 0.6 ? 'all' : 'any']: Array.from({ length: Math.floor(r() * 5) }, () => randomNode(r, depth - 1)) };
  if (r() < 0.15) node.priority = pick(r, [1, 2, 3]);
  return node as unknown as TopLevelCondition;
}

type Outcome = boolean | 'throws';

function compiledOutcome(test: (f: ConditionFacts) => boolean, facts: ConditionFacts): Outcome {
  try {
    return test(facts);
  } catch {
    return 'throws';
  }
}

async function referenceOutcome(engine: ReturnType<typeof createReferenceEngine>, facts: ConditionFacts): Promise<Outcome> {
  try {
    return (await engine.evaluate(facts)).has('r');
  } catch {
    return 'throws';
  }
}

function leafOperators(c: unknown, out: Set<string>): Set<string> {
  if (c && typeof c === 'object') {
    const o = c as Record<string, unknown>;
    if (typeof o.operator === 'string') out.add(o.operator);
    for (const k of ['all', 'any']) if (Array.isArray(o[k])) for (const x of o[k] as unknown[]) leafOperators(x, out);
    if (o.not) leafOperators(o.not, out);
  }
  return out;
}

interface Mismatch {
  caseId: string;
  compiled: Outcome;
  reference: Outcome;
  conditions: unknown;
  facts: unknown;
}

async function compare(
  caseId: string,
  conditions: TopLevelCondition,
  factsList: readonly ConditionFacts[],
  mismatches: Mismatch[],
  onOutcome: (o: Outcome) => void,
): Promise<void> {
  const closures = compileConditions(conditions, { mode: 'closures' });
  const codegen = compileConditions(conditions, { mode: 'codegen' });
  const engine = createReferenceEngine([{ id: 'r', conditions }]);
  for (const [j, facts] of factsList.entries()) {
    const compiled = compiledOutcome(closures, facts);
    const generated = compiledOutcome(codegen, facts);
    const reference = await referenceOutcome(engine, facts);
    onOutcome(reference);
    if (compiled !== reference) mismatches.push({ caseId: `${caseId}/${j}`, compiled, reference, conditions, facts });
    if (generated !== reference) mismatches.push({ caseId: `${caseId}/${j}/codegen`, compiled: generated, reference, conditions, facts });
    // The explainer's verdict is the compiled one, error included.
    const explained = explainConditions(conditions, facts);
    if (explained.passed !== (compiled === true) || (explained.error !== undefined) !== (compiled === 'throws')) {
      mismatches.push({ caseId: `${caseId}/${j}/explain`, compiled, reference: explained.passed, conditions, facts });
    }
  }
}

const SEED = 20_261_122;

describe('compiled conditions (closures and codegen) vs json-rules-engine (differential)', () => {
  it('agree on every operator alone: 10 operators x 200 conditions x 8 facts, true/false/throws each seen', async () => {
    const r = prng(SEED);
    const pool = Array.from({ length: 300 }, () => randomFacts(r));
    const mismatches: Mismatch[] = [];
    const seen = new Map<string, Record<string, number>>();
    let pairs = 0;
    for (const operator of OPERATORS) {
      const counts: Record<string, number> = { true: 0, false: 0, throws: 0 };
      seen.set(operator, counts);
      for (let i = 0; i < 200; i++) {
        let leaf = randomLeaf(r) as unknown as Record<string, unknown>;
        const facts = Array.from({ length: 8 }, () => pick(r, pool));
        leaf = { ...leaf, operator, value: r() < 0.2 ? leaf.value : literalNear(r, operator, leaf, facts) };
        const conditions = { [pick(r, ['all', 'any'])]: [leaf] } as unknown as TopLevelCondition;
        await compare(`${operator}/${i}`, conditions, facts, mismatches, (o) => {
          counts[String(o)]!++;
          pairs++;
        });
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(pairs).toBe(16_000);
    for (const [operator, counts] of seen) {
      expect(counts.true, `${operator} true`).toBeGreaterThan(30);
      expect(counts.false, `${operator} false`).toBeGreaterThan(30);
    }
    // Where json-rules-engine rejects: `in`/`notIn` on a non-array, numeric operators on objects without a primitive form.
    for (const operator of ['in', 'notIn', 'lessThan', 'greaterThanInclusive']) expect(seen.get(operator)!.throws, operator).toBeGreaterThan(0);
    for (const operator of ['equal', 'notEqual', 'contains', 'doesNotContain']) expect(seen.get(operator)!.throws, operator).toBe(0);
  }, 60_000);

  it('agree on 600 nested all/any/not trees (with priorities) x 20 facts each', async () => {
    const r = prng(SEED + 1);
    const pool = Array.from({ length: 400 }, () => randomFacts(r));
    const mismatches: Mismatch[] = [];
    const counts: Record<string, number> = { true: 0, false: 0, throws: 0 };
    const operatorsUsed = new Set<string>();
    let nested = 0;
    for (let i = 0; i < 600; i++) {
      const conditions = randomGroup(r, 4);
      leafOperators(conditions, operatorsUsed);
      if (JSON.stringify(conditions).match(/"(all|any|not)"/g)!.length > 1) nested++;
      const facts = Array.from({ length: 20 }, () => pick(r, pool));
      await compare(`tree/${i}`, conditions, facts, mismatches, (o) => counts[String(o)]!++);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(counts.true! + counts.false! + counts.throws!).toBe(12_000);
    expect(counts.true).toBeGreaterThan(1000);
    expect(counts.false).toBeGreaterThan(1000);
    expect(counts.throws).toBeGreaterThan(50);
    expect(nested).toBeGreaterThan(200);
    expect([...operatorsUsed].sort()).toEqual([...OPERATORS].sort());
  }, 60_000);
});
