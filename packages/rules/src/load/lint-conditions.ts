import { parsePlainPath } from '../engine/index.js';
import type { FieldShape } from '../schema/known-facts.js';
import { describeShapeKeys, resolveShape } from '../schema/known-facts.js';

// Walks a condition tree and reports every problem with a JSON pointer relative to the tree's
// root; the caller prefixes the rule's pointer. Stricter than json-rules-engine on purpose: an
// unknown path or a typo'd tier id is almost always a mistake that would silently never match.

export interface ConditionProblem {
  pointer: string;
  message: string;
}

export interface ConditionLintContext {
  /** Fact name -> shape; facts not in the map are unknown. */
  facts: ReadonlyMap<string, FieldShape>;
  /** Label used in messages for the fact shapes, e.g. 'event types purchase, refund'. */
  describeFact?: (fact: string) => string;
  operators: ReadonlySet<string>;
  tierIds?: ReadonlySet<string>;
  segmentIds?: ReadonlySet<string>;
}

const NUMERIC_OPERATORS = new Set(['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']);
const LIST_VALUE_OPERATORS = new Set(['in', 'notIn']);
const LIST_FACT_OPERATORS = new Set(['contains', 'doesNotContain']);
const BOOLEAN_KEYS = ['all', 'any', 'not'] as const;
const LEAF_KEYS = new Set(['fact', 'path', 'operator', 'value', 'name', 'priority', 'params']);

const esc = (k: string | number): string => String(k).replace(/~/g, '~0').replace(/\//g, '~1');

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The base operator of a decorated one (`everyFact:greaterThan` -> `greaterThan`). */
function baseOperator(op: string): string {
  const i = op.lastIndexOf(':');
  return i < 0 ? op : op.slice(i + 1);
}

export function lintConditions(root: unknown, ctx: ConditionLintContext): ConditionProblem[] {
  const problems: ConditionProblem[] = [];
  const add = (pointer: string, message: string): void => {
    problems.push({ pointer, message });
  };

  if (!isObject(root) || !BOOLEAN_KEYS.some((k) => k in root)) {
    add('', 'conditions must be an object with "all", "any" or "not" at the top (use {"all": []} for "always")');
    return problems;
  }

  /** Checks fact + path; returns the shape at the path (undefined if unknown). */
  const checkFactPath = (node: Record<string, unknown>, ptr: string): FieldShape | undefined => {
    const fact = node.fact;
    if (typeof fact !== 'string') {
      add(`${ptr}/fact`, 'fact must be a string');
      return undefined;
    }
    const shape = ctx.facts.get(fact);
    if (shape === undefined) {
      add(`${ptr}/fact`, `unknown fact "${fact}" (known: ${[...ctx.facts.keys()].join(', ')})`);
      return undefined;
    }
    if (node.path === undefined) return shape;
    if (typeof node.path !== 'string') {
      add(`${ptr}/path`, 'path must be a string like "$.a.b"');
      return undefined;
    }
    const parsed = parsePlainPath(node.path);
    if (!parsed.ok) {
      add(`${ptr}/path`, parsed.message);
      return undefined;
    }
    const at = resolveShape(shape, parsed.segments);
    if (at === undefined) {
      const label = ctx.describeFact ? ctx.describeFact(fact) : `fact "${fact}"`;
      const keys = parsed.segments.length === 1 ? describeShapeKeys(shape) : '';
      add(`${ptr}/path`, `unknown path "${node.path}" for ${label}${keys ? ` (known: ${keys})` : ''}`);
    }
    return at;
  };

  const checkIds = (factNode: Record<string, unknown>, value: unknown, ptr: string): void => {
    if (factNode.fact !== 'customer' || typeof factNode.path !== 'string') return;
    const name = factNode.path.replace(/^\$\./, '');
    const ids = name === 'tier' || name === 'previousTier' || name === 'nextTier' ? ctx.tierIds : name === 'segment' || name === 'previousSegment' ? ctx.segmentIds : undefined;
    if (!ids) return;
    const kind = ids === ctx.tierIds ? 'tier' : 'segment';
    const values = Array.isArray(value) ? value : [value];
    values.forEach((v, i) => {
      if (typeof v === 'string' && !ids.has(v)) {
        add(Array.isArray(value) ? `${ptr}/${i}` : ptr, `unknown ${kind} "${v}" (known: ${[...ids].join(', ')})`);
      }
    });
  };

  const walk = (node: unknown, ptr: string, depth: number): void => {
    if (depth > 32) {
      add(ptr, 'conditions nested deeper than 32 levels');
      return;
    }
    if (!isObject(node)) {
      add(ptr, 'a condition must be an object');
      return;
    }
    if ('condition' in node) {
      add(`${ptr}/condition`, 'shared condition references are not supported; write the conditions inline');
      return;
    }
    const present = BOOLEAN_KEYS.filter((k) => k in node);
    if (present.length > 1) {
      add(ptr, `a condition may hold only one of all/any/not, found ${present.join(', ')}`);
      return;
    }
    const boolKey = present[0];
    if (boolKey !== undefined) {
      for (const k of Object.keys(node)) {
        if (k !== boolKey && k !== 'name' && k !== 'priority') add(`${ptr}/${esc(k)}`, `unexpected field "${k}" next to "${boolKey}"`);
      }
      if (boolKey === 'not') {
        walk(node.not, `${ptr}/not`, depth + 1);
        return;
      }
      const list = node[boolKey];
      if (!Array.isArray(list)) {
        add(`${ptr}/${boolKey}`, `"${boolKey}" must be an array of conditions`);
        return;
      }
      if (boolKey === 'any' && list.length === 0) add(`${ptr}/any`, '"any" with no conditions never matches');
      list.forEach((c, i) => walk(c, `${ptr}/${boolKey}/${i}`, depth + 1));
      return;
    }

    // Leaf condition.
    for (const k of Object.keys(node)) {
      if (!LEAF_KEYS.has(k)) add(`${ptr}/${esc(k)}`, `unexpected field "${k}" in a condition (allowed: fact, path, operator, value, name)`);
    }
    if (node.params !== undefined) add(`${ptr}/params`, 'params are not supported: the facts take no parameters');
    if (!('fact' in node)) {
      add(ptr, 'a condition needs "fact", "operator" and "value" (or all/any/not)');
      return;
    }
    const factShape = checkFactPath(node, ptr);
    const op = node.operator;
    let opOk = false;
    if (typeof op !== 'string') add(`${ptr}/operator`, 'operator must be a string');
    else if (!ctx.operators.has(op)) add(`${ptr}/operator`, `unknown operator "${op}" (known: ${[...ctx.operators].join(', ')})`);
    else opOk = true;
    if (!('value' in node)) {
      add(`${ptr}/value`, 'value is required');
      return;
    }
    const value = node.value;
    if (isObject(value) && 'fact' in value) {
      // A fact reference: `{ "fact": "customer", "path": "$.tier" }`.
      for (const k of Object.keys(value)) {
        if (k !== 'fact' && k !== 'path') add(`${ptr}/value/${esc(k)}`, `unexpected field "${k}" in a fact reference (allowed: fact, path)`);
      }
      checkFactPath(value, `${ptr}/value`);
      return;
    }
    checkIds(node, value, `${ptr}/value`);
    if (!opOk || typeof op !== 'string') return;
    const base = baseOperator(op);
    const decorated = base !== op;
    if (NUMERIC_OPERATORS.has(base)) {
      if (typeof value !== 'number') add(`${ptr}/value`, `operator "${op}" compares numbers: value must be a number`);
      if (!decorated && typeof factShape === 'string' && factShape !== 'number' && factShape !== 'any') {
        add(`${ptr}/operator`, `operator "${op}" compares numbers but ${String(node.path ?? node.fact)} is a ${factShape}`);
      }
    } else if (LIST_VALUE_OPERATORS.has(base)) {
      if (!Array.isArray(value)) add(`${ptr}/value`, `operator "${op}" needs an array value`);
    } else if (LIST_FACT_OPERATORS.has(base) && !decorated) {
      if (factShape !== undefined && factShape !== 'any' && !Array.isArray(factShape)) {
        add(`${ptr}/operator`, `operator "${op}" needs a list fact but ${String(node.path ?? node.fact)} is not a list`);
      }
    }
  };

  walk(root, '', 0);
  return problems;
}
