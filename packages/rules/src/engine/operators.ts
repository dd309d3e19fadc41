import { ConditionEvaluationError } from './errors.js';

// json-rules-engine 7.3.1's default operators, reproduced expression for expression
// (node_modules/json-rules-engine/dist/engine-default-operators.js) so that JavaScript's own
// coercions give both engines the same answer: `equal` is `===`, the numeric operators first run
// json-rules-engine's number validator on the fact value only, `contains` requires the fact value to
// be an array, and `in`/`notIn` call `value.indexOf(fact)` whatever `value` is (a string searches
// for the fact's string form; a number, null or object throws, and json-rules-engine rejects the run).

/** The operators a condition may use, for the linter. Decorated operators (`not:equal`, ...) are not supported. */
export const OPERATORS = [
  'equal',
  'notEqual',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
  'in',
  'notIn',
  'contains',
  'doesNotContain',
] as const;

export type OperatorName = (typeof OPERATORS)[number];

const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS);

export function isOperator(name: unknown): name is OperatorName {
  return typeof name === 'string' && OPERATOR_SET.has(name);
}

/** json-rules-engine's `numberValidator`: `"12abc"` and `[3]` pass, `null`, `true` and `"abc"` do not. */
export function numberValidator(factValue: unknown): boolean {
  return Number.parseFloat(factValue as string).toString() !== 'NaN';
}

interface IndexOfable {
  indexOf(x: unknown): number;
}

/** Whether `value.indexOf` exists, i.e. whether json-rules-engine's `in`/`notIn` can run. */
export function hasIndexOf(value: unknown): value is IndexOfable {
  return value !== null && value !== undefined && typeof (value as { indexOf?: unknown }).indexOf === 'function';
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the operators rely on JavaScript's coercions on purpose */
type Op = (a: any, b: any) => boolean;

/**
 * The operator bodies. They may throw a TypeError exactly where json-rules-engine's do (`in` on a
 * value without `indexOf`, relational comparison of an object whose `valueOf` and `toString` are not
 * callable); callers turn that into a ConditionEvaluationError.
 */
export const OPERATOR_FUNCTIONS: Readonly<Record<OperatorName, Op>> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  in: (a, b) => b.indexOf(a) > -1,
  notIn: (a, b) => b.indexOf(a) === -1,
  contains: (a, b) => Array.isArray(a) && a.indexOf(b) > -1,
  doesNotContain: (a, b) => Array.isArray(a) && a.indexOf(b) === -1,
  lessThan: (a, b) => numberValidator(a) && a < b,
  lessThanInclusive: (a, b) => numberValidator(a) && a <= b,
  greaterThan: (a, b) => numberValidator(a) && a > b,
  greaterThanInclusive: (a, b) => numberValidator(a) && a >= b,
};
/* eslint-enable @typescript-eslint/no-explicit-any */

/** A short description of a value's type for error messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Runs an operator with json-rules-engine's failure modes turned into ConditionEvaluationError. */
export function applyOperator(operator: OperatorName, a: unknown, b: unknown, pointer: string): boolean {
  if ((operator === 'in' || operator === 'notIn') && !hasIndexOf(b)) {
    throw new ConditionEvaluationError(pointer, `operator "${operator}" needs an array or a string as value, got ${describeType(b)}`);
  }
  try {
    return OPERATOR_FUNCTIONS[operator](a, b);
  } catch (err) {
    throw new ConditionEvaluationError(
      pointer,
      `operator "${operator}" cannot compare ${describeType(a)} with ${describeType(b)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

