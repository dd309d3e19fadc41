// Alternative compilation of a condition tree into one generated JavaScript function per rule
// (`new Function`). Why: closures made by one factory share V8 feedback, so with hundreds of rules
// every call site inside them turns megamorphic; a generated function per rule gets its own inline
// caches and V8 can inline its small per-node functions. Semantics are those of
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
  /** Name of the generated function for this node. */
  fn: string;
  mayThrow: boolean;
}

export function compileTreeCodegen(root: ConditionNode): CompiledCondition | undefined {
  const k: unknown[] = [];
  const out: string[] = [];
  let fnCount = 0;
  const konst = (v: unknown): string => {
    k.push(v);
    return `k[${k.length - 1}]`;
  };

  /** Statements that leave the value of `access` in variable `v`. */
  function read(access: FactAccess, v: string): string {
    let s: string;
    switch (access.fact) {
      case 'event':
        s = `let ${v} = f.event;`;
        break;
      case 'customer':
        s = `let ${v} = f.customer;`;
        break;
      case 'calendar':
        s = `let ${v} = f.calendar;`;
        break;
      default: {
        const name = konst(access.fact);
        s = `let ${v} = h.call(f, ${name}) ? f[${name}] : undefined;`;
      }
    }
    const segs = access.segments;
    if (!segs || segs.length === 0) return s;
    // A path applies only to an object fact value; any other fact value is returned as is.
    // Same step as plain-path.ts: a keyed load, with hasOwnProperty only for function values and `__proto__`.
    const steps = segs.map((seg, i) => {
      const key = konst(seg);
      const step =
        seg === '__proto__'
          ? `${v} = h.call(${v}, ${key}) ? ${v}[${key}] : undefined;`
          : `{ const o = ${v}; ${v} = o[${key}]; if (typeof ${v} === 'function' && !h.call(o, ${key})) ${v} = undefined; }`;
      return i === 0 ? step : `if (${v} !== null && typeof ${v} === 'object') ${step} else ${v} = undefined;`;
    });
    return `${s} if (${v} !== null && typeof ${v} === 'object') { ${steps.join(' ')} }`;
  }

  function leaf(node: LeafNode): Emitted {
    const name = `n${fnCount++}`;
    const op = node.operator;
    const opK = konst(op);
    const ptrK = konst(node.pointer);
    const slow = (b: string): string => `ap(${opK}, a, ${b}, ${ptrK})`;
    let body = read(node, 'a');
    let mayThrow: boolean;
    if (node.valueRef) {
      body += ` ${read(node.valueRef, 'b')} return ${slow('b')};`;
      mayThrow = !(op === 'equal' || op === 'notEqual' || op === 'contains' || op === 'doesNotContain');
    } else {
      const b = node.literal;
      const bK = konst(b);
      mayThrow = false;
      switch (op) {
        case 'equal':
          body += ` return a === ${bK};`;
          break;
        case 'notEqual':
          body += ` return a !== ${bK};`;
          break;
        case 'contains':
          body += ` return Array.isArray(a) && a.indexOf(${bK}) > -1;`;
          break;
        case 'doesNotContain':
          body += ` return Array.isArray(a) && a.indexOf(${bK}) === -1;`;
          break;
        case 'in':
        case 'notIn': {
          const cmp = op === 'in' ? '> -1' : '=== -1';
          if (Array.isArray(b)) {
            if (b.length > 8) {
              // Strict equality = Set membership once NaN (never found by indexOf) is left out.
              const setK = konst(new Set(b.filter((x) => x === x)));
              body += op === 'in' ? ` return ${setK}.has(a);` : ` return !${setK}.has(a);`;
            } else {
              body += ` return ${bK}.indexOf(a) ${cmp};`;
            }
          } else if (typeof b === 'string') {
            body += ` return a === null || (typeof a !== 'object' && typeof a !== 'function') ? ${bK}.indexOf(a) ${cmp} : ${slow(bK)};`;
            mayThrow = true;
          } else {
            body += ` return ${slow(bK)};`;
            mayThrow = true;
          }
          break;
        }
        default: {
          const sym = RELATIONAL[op];
          mayThrow = true;
          // For a number fact the validator passes unless it is NaN, which compares false anyway.
          // null, undefined and booleans fail the validator (parseFloat gives NaN).
          body +=
            sym !== undefined && isPrimitive(b)
              ? ` return typeof a === 'number' ? a ${sym} ${bK} : a === null || a === undefined || typeof a === 'boolean' ? false : ${slow(bK)};`
              : ` return ${slow(bK)};`;
        }
      }
    }
    out.push(`function ${name}(f) { ${body} }`);
    return { fn: name, mayThrow };
  }

  function node(n: ConditionNode): Emitted {
    if (n.kind === 'leaf') return leaf(n);
    if (n.kind === 'not') {
      const inner = node(n.child);
      const name = `n${fnCount++}`;
      out.push(`function ${name}(f) { return !${inner.fn}(f); }`);
      return { fn: name, mayThrow: inner.mayThrow };
    }
    const children = n.children;
    if (children.length === 0) {
      const name = `n${fnCount++}`;
      out.push(`function ${name}(f) { return true; }`);
      return { fn: name, mayThrow: false };
    }
    if (children.length === 1) return node(children[0] as ConditionNode);
    const sets = prioritySets(children.map((c) => ({ c, priorityKey: c.priorityKey }))).map((set) => set.map(({ c }) => node(c)));
    const name = `n${fnCount++}`;
    const flat = sets.flat();
    const join = n.kind === 'all' ? ' && ' : ' || ';
    if (!flat.some((e) => e.mayThrow)) {
      out.push(`function ${name}(f) { return ${flat.map((e) => `${e.fn}(f)`).join(join)}; }`);
      return { fn: name, mayThrow: false };
    }
    // json-rules-engine runs a whole priority set (Promise.all) and short-circuits between sets:
    // after the result is decided, the rest of the set still runs if it may throw.
    const stop = n.kind === 'any' ? 'true' : 'false';
    const body: string[] = [];
    for (const set of sets) {
      body.push('d = false;');
      set.forEach((e, i) => {
        if (i === 0) body.push(`if (${e.fn}(f) === ${stop}) d = true;`);
        else if (e.mayThrow) body.push(`if (d) ${e.fn}(f); else if (${e.fn}(f) === ${stop}) d = true;`);
        else body.push(`if (!d && ${e.fn}(f) === ${stop}) d = true;`);
      });
      body.push(`if (d) return ${stop};`);
    }
    out.push(`function ${name}(f) { let d; ${body.join(' ')} return ${n.kind === 'any' ? 'false' : 'true'}; }`);
    return { fn: name, mayThrow: true };
  }

  const top = node(root);
  const source = `'use strict'; const h = Object.prototype.hasOwnProperty;\n${out.join('\n')}\nreturn ${top.fn};`;
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
