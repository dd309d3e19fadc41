// Alternative compilation of a condition tree into one generated JavaScript function per rule
// (`new Function`). Why: closures made by one factory share V8 feedback, so with hundreds of rules
// every call site inside them turns megamorphic; a generated function per rule gets its own inline
// caches, and the whole condition tree is one expression with no calls between nodes. Semantics are those of
// compile-conditions.ts (same tree, same operator helpers for every non-trivial case).
//
// Safety: no analyst-supplied string ever becomes source text. Fact names, path segments, literal
// values, operator names and JSON pointers all live in the constants array `k` and are referenced
// by index (`k[3]`); the only things chosen from analyst input are which fixed code template to
// emit (by a switch over validated operator names and fact names) and integer indexes.

import { prioritySets, type ConditionNode, type FactAccess, type LeafNode } from './condition-tree.js';
import { applyOperator } from './operators.js';
import type { CompiledCondition } from './types.js';

const RELATIONAL: Readonly<Record<string, string>> = {
  lessThan: '<',
  lessThanInclusive: '<=',
  greaterThan: '>',
  greaterThanInclusive: '>=',
};

const isPrimitive = (v: unknown): boolean => v === null || (typeof v !== 'object' && typeof v !== 'function');

interface Emitted {
  /** A JavaScript expression evaluating the node to a boolean (may throw like json-rules-engine). */
  expr: string;
  mayThrow: boolean;
}

/**
 * The whole rule becomes one function whose body is a single expression over temporaries, so V8
 * optimises one unit per rule (quick to warm up) with no calls between nodes.
 */
export function compileTreeCodegen(root: ConditionNode): CompiledCondition | undefined {
  const k: unknown[] = [];
  const temps: string[] = ['o'];
  const konst = (v: unknown): string => {
    k.push(v);
    return `k[${k.length - 1}]`;
  };
  const temp = (prefix: string): string => {
    const t = `${prefix}${temps.length}`;
    temps.push(t);
    return t;
  };

  /** An expression that assigns the value of `access` to temp `v` and evaluates to it. */
  function read(access: FactAccess, v: string): string {
    let fact: string;
    switch (access.fact) {
      case 'event':
        fact = 'f.event';
        break;
      case 'customer':
        fact = 'f.customer';
        break;
      case 'calendar':
        fact = 'f.calendar';
        break;
      default: {
        const name = konst(access.fact);
        fact = `(h.call(f, ${name}) ? f[${name}] : undefined)`;
      }
    }
    const segs = access.segments;
    if (!segs || segs.length === 0) return `(${v} = ${fact})`;
    // Same step as plain-path.ts: a keyed load, with hasOwnProperty only for function values and
    // `__proto__`. A path applies only to an object fact value; any other value is returned as is.
    const isObj = `${v} !== null && typeof ${v} === 'object'`;
    const steps = segs.map((seg, i) => {
      const key = konst(seg);
      const step =
        seg === '__proto__'
          ? `(${v} = h.call(${v}, ${key}) ? ${v}[${key}] : undefined)`
          : `(o = ${v}, ${v} = o[${key}], typeof ${v} === 'function' && !h.call(o, ${key}) && (${v} = undefined))`;
      return i === 0 ? step : `(${isObj} ? ${step} : (${v} = undefined))`;
    });
    return `(${v} = ${fact}, ${isObj} && (${steps.join(', ')}), ${v})`;
  }

  function leaf(node: LeafNode): Emitted {
    const op = node.operator;
    const a = temp('a');
    const slow = (b: string): string => `ap(${konst(op)}, ${a}, ${b}, ${konst(node.pointer)})`;
    const getA = read(node, a);
    if (node.valueRef) {
      const b = temp('b');
      const safe = op === 'equal' || op === 'notEqual' || op === 'contains' || op === 'doesNotContain';
      return { expr: `(${getA}, ${read(node.valueRef, b)}, ${slow(b)})`, mayThrow: !safe };
    }
    const lit = node.literal;
    const bK = konst(lit);
    switch (op) {
      case 'equal':
        return { expr: `(${getA} === ${bK})`, mayThrow: false };
      case 'notEqual':
        return { expr: `(${getA} !== ${bK})`, mayThrow: false };
      case 'contains':
        return { expr: `(${getA}, Array.isArray(${a}) && ${a}.indexOf(${bK}) > -1)`, mayThrow: false };
      case 'doesNotContain':
        return { expr: `(${getA}, Array.isArray(${a}) && ${a}.indexOf(${bK}) === -1)`, mayThrow: false };
      case 'in':
      case 'notIn': {
        const cmp = op === 'in' ? '> -1' : '=== -1';
        if (Array.isArray(lit)) {
          if (lit.length > 8) {
            // Strict equality = Set membership once NaN (never found by indexOf) is left out.
            const setK = konst(new Set(lit.filter((x) => x === x)));
            return { expr: op === 'in' ? `${setK}.has(${getA})` : `!${setK}.has(${getA})`, mayThrow: false };
          }
          return { expr: `(${bK}.indexOf(${getA}) ${cmp})`, mayThrow: false };
        }
        if (typeof lit === 'string') {
          return {
            expr: `(${getA}, ${a} === null || (typeof ${a} !== 'object' && typeof ${a} !== 'function') ? ${bK}.indexOf(${a}) ${cmp} : ${slow(bK)})`,
            mayThrow: true,
          };
        }
        return { expr: `(${getA}, ${slow(bK)})`, mayThrow: true };
      }
      default: {
        const sym = RELATIONAL[op];
        // For a number fact the validator passes unless it is NaN, which compares false anyway;
        // null, undefined and booleans fail it (parseFloat gives NaN).
        const expr =
          sym !== undefined && isPrimitive(lit)
            ? `(${getA}, typeof ${a} === 'number' ? ${a} ${sym} ${bK} : ${a} === null || ${a} === undefined || typeof ${a} === 'boolean' ? false : ${slow(bK)})`
            : `(${getA}, ${slow(bK)})`;
        return { expr, mayThrow: true };
      }
    }
  }

  function node(n: ConditionNode): Emitted {
    if (n.kind === 'leaf') return leaf(n);
    if (n.kind === 'not') {
      const inner = node(n.child);
      return { expr: `!${inner.expr}`, mayThrow: inner.mayThrow };
    }
    const children = n.children;
    if (children.length === 0) return { expr: 'true', mayThrow: false };
    if (children.length === 1) return node(children[0] as ConditionNode);
    const sets = prioritySets(children.map((c) => ({ c, priorityKey: c.priorityKey }))).map((set) => set.map(({ c }) => node(c)));
    const flat = sets.flat();
    if (!flat.some((e) => e.mayThrow)) {
      return { expr: `(${flat.map((e) => e.expr).join(n.kind === 'all' ? ' && ' : ' || ')})`, mayThrow: false };
    }
    // json-rules-engine runs a whole priority set (Promise.all) and short-circuits only between
    // sets: once decided, the rest of the set still runs if it may throw.
    const stop = n.kind === 'any' ? 'true' : 'false';
    const d = temp('d');
    let expr = `${n.kind === 'any' ? 'false' : 'true'}`;
    for (let s = sets.length - 1; s >= 0; s--) {
      const set = sets[s] as Emitted[];
      const parts = set.map((e, i) => {
        if (i === 0) return `${d} = ${e.expr} === ${stop}`;
        return e.mayThrow ? `(${d} ? (${e.expr}, 0) : (${d} = ${e.expr} === ${stop}))` : `(${d} || (${d} = ${e.expr} === ${stop}))`;
      });
      expr = `(${parts.join(', ')}, ${d} ? ${stop} : ${expr})`;
    }
    return { expr, mayThrow: true };
  }

  const top = node(root);
  const source = `'use strict'; const h = Object.prototype.hasOwnProperty;\nreturn function rule(f) { let ${temps.join(', ')}; return ${top.expr}; };`;
  let make: (k: unknown[], ap: typeof applyOperator) => CompiledCondition;
  try {
    // See the safety note at the top of this file: `source` holds no analyst text.
    make = new Function('k', 'ap', source) as typeof make;
  } catch (err) {
    // Code generation from strings disabled (--disallow-code-generation-from-strings): use closures.
    if (err instanceof EvalError) return undefined;
    throw err;
  }
  const fn = make(k, applyOperator);
  generatedSources.set(fn, source);
  return fn;
}

/** Generated source per compiled function, for tests that check no analyst text reaches code. */
export const generatedSources = new WeakMap<CompiledCondition, string>();
