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

type ScalarKind = 'string' | 'number' | 'boolean' | 'list' | 'object' | 'any';

/** What a value at this shape is, for type checks; 'any' when unknown (no check). Timestamps are strings. */
function scalarKind(shape: FieldShape | undefined): ScalarKind {
  if (shape === undefined || shape === 'any') return 'any';
  if (Array.isArray(shape)) return 'list';
  if (typeof shape === 'object') return 'object';
  return shape === 'timestamp' ? 'string' : (shape as ScalarKind);
}

function describeShape(shape: FieldShape | undefined): string {
  const kind = scalarKind(shape);
  return kind === 'list' ? 'a list' : kind === 'object' ? 'an object' : kind === 'any' ? 'of any type' : `a ${kind}`;
}

/**
 * Why a literal can never be strictly equal to a fact of this kind, or undefined. `null` is always
 * allowed (many facts are nullable), and so is anything against an unknown kind.
 */
function literalMismatch(kind: ScalarKind, v: unknown): string | undefined {
  if (kind === 'any' || v === null) return undefined;
  const vk = Array.isArray(v) ? 'list' : typeof v === 'object' ? 'object' : typeof v;
  // A literal list or object is a fresh copy, never strictly equal to a fact's value.
  if (kind !== 'list' && kind !== 'object' && vk === kind) return undefined;
  const shown = JSON.stringify(v);
  return `${shown.length > 40 ? `${shown.slice(0, 37)}...` : shown} is ${vk === 'list' ? 'a list' : vk === 'object' ? 'an object' : `a ${vk}`}`;
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
    const isRef = isObject(value) && 'fact' in value;
    let valueShape: FieldShape | undefined;
    if (isRef) {
      // A fact reference: `{ "fact": "customer", "path": "$.tier" }`.
      for (const k of Object.keys(value)) {
        if (k !== 'fact' && k !== 'path') add(`${ptr}/value/${esc(k)}`, `unexpected field "${k}" in a fact reference (allowed: fact, path)`);
      }
      valueShape = checkFactPath(value, `${ptr}/value`);
    } else {
      checkIds(node, value, `${ptr}/value`);
    }
    if (!opOk || typeof op !== 'string') return;
    const base = baseOperator(op);
    const decorated = base !== op;
    const factName = String(node.path ?? node.fact);
    const refName = isRef ? String((value as Record<string, unknown>).path ?? (value as Record<string, unknown>).fact) : '';
    const factKind = scalarKind(factShape);
    if (NUMERIC_OPERATORS.has(base)) {
      if (isRef) {
        const vk = scalarKind(valueShape);
        if (valueShape !== undefined && vk !== 'any' && vk !== 'number') {
          add(`${ptr}/value`, `operator "${op}" compares numbers but the value ${refName} is ${describeShape(valueShape)}`);
        }
      } else if (typeof value !== 'number') add(`${ptr}/value`, `operator "${op}" compares numbers: value must be a number`);
      if (!decorated && factShape !== undefined && factKind !== 'number' && factKind !== 'any') {
        add(`${ptr}/operator`, `operator "${op}" compares numbers but ${factName} is ${describeShape(factShape)}`);
      }
    } else if (LIST_VALUE_OPERATORS.has(base)) {
      if (isRef) {
        // json-rules-engine calls value.indexOf(fact): a referenced fact that is missing, null, a
        // number or a boolean throws, and then the evaluation of the whole event is rejected.
        add(`${ptr}/value`, `operator "${op}" needs a literal array value ("value": [...]); a fact reference (${refName}) can be missing, null or not a list when the rule runs, which makes the whole event fail to evaluate`);
      } else if (!Array.isArray(value)) {
        add(`${ptr}/value`, `operator "${op}" needs an array value`);
      } else if (!decorated) {
        if (factShape !== undefined && Array.isArray(factShape)) {
          add(`${ptr}/operator`, `operator "${op}" looks for one value in the array, but ${factName} is a list: use "contains"/"doesNotContain"`);
        } else {
          value.forEach((v, i) => {
            const problem = literalMismatch(factKind, v);
            if (problem) add(`${ptr}/value/${i}`, `${problem} but ${factName} is ${describeShape(factShape)}: it can never match`);
          });
        }
      }
    } else if (LIST_FACT_OPERATORS.has(base) && !decorated) {
      if (factShape !== undefined && factShape !== 'any' && !Array.isArray(factShape)) {
        add(`${ptr}/operator`, `operator "${op}" needs a list fact but ${factName} is not a list`);
      }
    } else if ((base === 'equal' || base === 'notEqual') && !decorated) {
      // Strict equality: a value of another type never equals the fact (`1` is not `"1"`).
      if (isRef) {
        const vk = scalarKind(valueShape);
        if (factKind !== 'any' && vk !== 'any' && factKind !== vk && factShape !== undefined && valueShape !== undefined) {
          add(`${ptr}/value`, `${factName} is ${describeShape(factShape)} but the value ${refName} is ${describeShape(valueShape)}: they are never equal`);
        }
      } else {
        const problem = literalMismatch(factKind, value);
        if (problem) add(`${ptr}/value`, `${problem} but ${factName} is ${describeShape(factShape)}: they are never equal`);
      }
    }
  };

  walk(root, '', 0);
  return problems;
}
