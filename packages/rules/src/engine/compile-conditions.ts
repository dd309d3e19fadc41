// Compiles json-rules-engine conditions into plain synchronous closures. No analyst string is ever
// turned into code: paths are parsed into segment arrays and literals are captured by the closures.
//
// Semantics follow json-rules-engine 7.3.1 exactly (see operators.ts for the operators). The one
// subtle part is errors: json-rules-engine evaluates all conditions of a priority set in parallel
// (Promise.all) and short-circuits only between sets, so a condition that throws (e.g. `in` against a
// fact-referenced number) makes the whole rule reject even when a sibling already decided the result.
// The compiled form short-circuits freely when no child can throw, and otherwise still runs the
// children that can throw in the set it stopped in, so it throws exactly when json-rules-engine does.

import { parseConditions, prioritySets, type ConditionNode, type FactAccess, type LeafNode } from './condition-tree.js';
import { applyOperator, type OperatorName } from './operators.js';
import { compilePathReader } from './plain-path.js';
import { compileTreeCodegen } from './codegen.js';
import type { CompiledCondition, ConditionFacts, TopLevelCondition } from './types.js';

export interface CompileOptions {
  /**
   * - `closures`: a tree of closures; ready at once, but closures made by one factory share V8's
   *   feedback, so with many rules their call sites turn megamorphic.
   * - `codegen`: one generated function per rule (constants passed by index, never as source text);
   *   2-3x faster once V8 has optimised it, much slower before that.
   * - `adaptive` (default): closures for the first {@link TIER_UP_CALLS} evaluations, then generated
   *   code. Same semantics in all three; bench/ measures them.
   */
  mode?: CompileMode;
}

export type CompileMode = 'closures' | 'codegen' | 'adaptive';

export const DEFAULT_MODE: CompileMode = 'adaptive';

/** Evaluations of a rule after which `adaptive` switches it to generated code. */
export const TIER_UP_CALLS = 2000;

/** For tests and diagnostics: whether an adaptive predicate has switched to generated code. */
export const tierState = new WeakMap<CompiledCondition, { generated: boolean }>();

type Test = (facts: ConditionFacts) => boolean;
type Getter = (facts: ConditionFacts) => unknown;

interface Compiled {
  test: Test;
  /** Whether evaluating this node can throw for some input; decides if siblings may be skipped. */
  mayThrow: boolean;
}

const hasOwn = Object.prototype.hasOwnProperty;

function factGetter(fact: string): Getter {
  switch (fact) {
    case 'event':
      return (f) => f.event;
    case 'customer':
      return (f) => f.customer;
    case 'calendar':
      return (f) => f.calendar;
    default:
      // json-rules-engine with allowUndefinedFacts: an unknown fact reads as undefined.
      return (f) => (hasOwn.call(f, fact) ? (f as Record<string, unknown>)[fact] : undefined);
  }
}

/** Fact value then path, as json-rules-engine's almanac: a path is applied only to a non-null object; any other fact value is returned as is. */
export function compileAccess(access: FactAccess): Getter {
  const fact = factGetter(access.fact);
  if (!access.segments) return fact;
  const read = compilePathReader(access.segments);
  return (f) => {
    const v = fact(f);
    return v !== null && typeof v === 'object' ? read(v) : v;
  };
}

const isPrimitive = (v: unknown): boolean => v === null || (typeof v !== 'object' && typeof v !== 'function');

function compileLeaf(node: LeafNode): Compiled {
  const get = compileAccess(node);
  const { operator: op, pointer } = node;
  if (node.valueRef) {
    const getB = compileAccess(node.valueRef);
    const safe = op === 'equal' || op === 'notEqual' || op === 'contains' || op === 'doesNotContain';
    return { test: (f) => applyOperator(op, get(f), getB(f), pointer), mayThrow: !safe };
  }
  const b = node.literal;
  switch (op) {
    case 'equal':
      return { test: (f) => get(f) === b, mayThrow: false };
    case 'notEqual':
      return { test: (f) => get(f) !== b, mayThrow: false };
    case 'contains':
      return {
        test: (f) => {
          const a = get(f);
          return Array.isArray(a) && a.indexOf(b) > -1;
        },
        mayThrow: false,
      };
    case 'doesNotContain':
      return {
        test: (f) => {
          const a = get(f);
          return Array.isArray(a) && a.indexOf(b) === -1;
        },
        mayThrow: false,
      };
    case 'in':
    case 'notIn': {
      const negate = op === 'notIn';
      if (Array.isArray(b)) {
        // Array#indexOf is strict equality; a Set is equivalent once NaN (never found by indexOf) is left out.
        if (b.length > 8) {
          const set = new Set(b.filter((x) => x === x));
          return { test: negate ? (f) => !set.has(get(f)) : (f) => set.has(get(f)), mayThrow: false };
        }
        const arr = b.slice();
        return { test: negate ? (f) => arr.indexOf(get(f)) === -1 : (f) => arr.indexOf(get(f)) > -1, mayThrow: false };
      }
      if (typeof b === 'string') {
        // String#indexOf searches for String(fact): `"gold,silver"` contains the fact "old".
        return {
          test: (f) => {
            const a = get(f);
            if (isPrimitive(a)) return negate ? b.indexOf(a as string) === -1 : b.indexOf(a as string) > -1;
            return applyOperator(op, a, b, pointer);
          },
          mayThrow: true,
        };
      }
      // A number, boolean, null or object value: json-rules-engine throws on every evaluation.
      return { test: (f) => applyOperator(op, get(f), b, pointer), mayThrow: true };
    }
    default:
      return compileNumeric(op, get, b, pointer);
  }
}

/** Values the number validator always refuses (parseFloat gives NaN), decided without calling it. */
const notNumeric = (a: unknown): boolean => a === null || a === undefined || typeof a === 'boolean';

function compileNumeric(op: OperatorName, get: Getter, b: unknown, pointer: string): Compiled {
  const slow = (a: unknown): boolean => applyOperator(op, a, b, pointer);
  if (!isPrimitive(b)) return { test: (f) => slow(get(f)), mayThrow: true };
  // For a number fact the validator passes unless it is NaN, and NaN compares false anyway.
  const bb = b as number;
  switch (op) {
    case 'lessThan':
      return { test: (f) => { const a = get(f); return typeof a === 'number' ? a < bb : notNumeric(a) ? false : slow(a); }, mayThrow: true };
    case 'lessThanInclusive':
      return { test: (f) => { const a = get(f); return typeof a === 'number' ? a <= bb : notNumeric(a) ? false : slow(a); }, mayThrow: true };
    case 'greaterThan':
      return { test: (f) => { const a = get(f); return typeof a === 'number' ? a > bb : notNumeric(a) ? false : slow(a); }, mayThrow: true };
    case 'greaterThanInclusive':
      return { test: (f) => { const a = get(f); return typeof a === 'number' ? a >= bb : notNumeric(a) ? false : slow(a); }, mayThrow: true };
    default:
      return { test: (f) => slow(get(f)), mayThrow: true };
  }
}

const TRUE: Compiled = { test: () => true, mayThrow: false };

function compileGroup(kind: 'all' | 'any', children: readonly ConditionNode[]): Compiled {
  // json-rules-engine: an empty all/any is true (yes, `any: []` too); a single child is evaluated alone.
  if (children.length === 0) return TRUE;
  if (children.length === 1) return compileNode(children[0]!);
  const sets = prioritySets(children.map((node) => ({ node, priorityKey: node.priorityKey }))).map((set) =>
    set.map((c) => compileNode(c.node)),
  );
  const flat = sets.flat();
  const tests = flat.map((c) => c.test);
  if (!flat.some((c) => c.mayThrow)) return { test: kind === 'all' ? every(tests) : some(tests), mayThrow: false };
  const setTests = sets.map((set) => set.map((c) => c.test));
  const setRisky = sets.map((set) => set.map((c) => c.mayThrow));
  // Short-circuit value: `all` stops at the first false, `any` at the first true.
  const stopOn = kind === 'any';
  return {
    test: (f) => {
      for (let s = 0; s < setTests.length; s++) {
        const ts = setTests[s]!;
        const risky = setRisky[s]!;
        let decided = false;
        for (let i = 0; i < ts.length; i++) {
          if (!decided) {
            if (ts[i]!(f) === stopOn) decided = true;
          } else if (risky[i]) {
            ts[i]!(f); // evaluated only for its error, as json-rules-engine's Promise.all would
          }
        }
        if (decided) return stopOn;
      }
      return !stopOn;
    },
    mayThrow: true,
  };
}

function every(tests: Test[]): Test {
  if (tests.length === 2) {
    const [a, b] = tests as [Test, Test];
    return (f) => a(f) && b(f);
  }
  if (tests.length === 3) {
    const [a, b, c] = tests as [Test, Test, Test];
    return (f) => a(f) && b(f) && c(f);
  }
  return (f) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(f)) return false;
    return true;
  };
}

function some(tests: Test[]): Test {
  if (tests.length === 2) {
    const [a, b] = tests as [Test, Test];
    return (f) => a(f) || b(f);
  }
  if (tests.length === 3) {
    const [a, b, c] = tests as [Test, Test, Test];
    return (f) => a(f) || b(f) || c(f);
  }
  return (f) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(f)) return true;
    return false;
  };
}

function compileNode(node: ConditionNode): Compiled {
  switch (node.kind) {
    case 'leaf':
      return compileLeaf(node);
    case 'not': {
      const inner = compileNode(node.child);
      const t = inner.test;
      return { test: (f) => !t(f), mayThrow: inner.mayThrow };
    }
    default:
      return compileGroup(node.kind, node.children);
  }
}

/**
 * Compiles a rule's conditions (root `all`, `any` or `not`) into a synchronous predicate over
 * `{ event, customer, calendar }` that gives json-rules-engine's answer for every input.
 * Throws ConditionSyntaxError (with a JSON pointer) for conditions it cannot compile; the predicate
 * throws ConditionEvaluationError where json-rules-engine would reject the run.
 */
export function compileConditions(conditions: TopLevelCondition, options: CompileOptions = {}): CompiledCondition {
  const tree = parseConditions(conditions);
  const mode = options.mode ?? DEFAULT_MODE;
  if (mode === 'closures') return compileNode(tree).test;
  if (mode === 'codegen') return compileTreeCodegen(tree) ?? compileNode(tree).test; // no codegen in this process: closures
  return adaptive(tree);
}

function adaptive(tree: ConditionNode): CompiledCondition {
  const closures = compileNode(tree).test;
  const state = { generated: false };
  let pending: ConditionNode | null = tree;
  let calls = 0;
  let impl: CompiledCondition = (f) => {
    if (++calls >= TIER_UP_CALLS && pending !== null) {
      const generated = compileTreeCodegen(pending);
      pending = null;
      if (generated) {
        impl = generated;
        state.generated = true;
      } else {
        impl = closures;
      }
    }
    return closures(f);
  };
  const predicate: CompiledCondition = (f) => impl(f);
  tierState.set(predicate, state);
  return predicate;
}

/**
 * Whether evaluating these conditions can throw for some input (then json-rules-engine would reject
 * the whole run). Conservative: numeric operators count as risky.
 */
export function conditionsMayThrow(conditions: TopLevelCondition): boolean {
  return compileNode(parseConditions(conditions)).mayThrow;
}

/** The same, from an already parsed tree (used by the explainer). */
export function compileTree(node: ConditionNode): CompiledCondition {
  return compileNode(node).test;
}
