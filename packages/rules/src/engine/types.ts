// The condition language analysts write: json-rules-engine's condition JSON over the facts
// `event`, `customer` and `calendar`, with plain paths.

/** A value that reads another fact instead of a literal: `{ "fact": "customer", "path": "$.tier" }`. */
export interface FactReference {
  fact: string;
  path?: string;
  params?: Record<string, unknown>;
}

export interface LeafCondition {
  fact: string;
  path?: string;
  operator: string;
  /** A literal, or a {@link FactReference} (any object with an own `fact` key is read as one). */
  value: unknown;
  params?: Record<string, unknown>;
  priority?: number;
  name?: string;
}

export interface AllCondition {
  all: Condition[];
  priority?: number;
  name?: string;
}

export interface AnyCondition {
  any: Condition[];
  priority?: number;
  name?: string;
}

export interface NotCondition {
  not: Condition;
  priority?: number;
  name?: string;
}

export type BooleanCondition = AllCondition | AnyCondition | NotCondition;
export type Condition = BooleanCondition | LeafCondition;
/** A rule's `conditions`: the root must be `all`, `any` or `not`. */
export type TopLevelCondition = BooleanCondition;

/** The facts a condition reads. Missing facts read as undefined, as in json-rules-engine with `allowUndefinedFacts`. */
export interface ConditionFacts {
  event?: unknown;
  customer?: unknown;
  calendar?: unknown;
}

/** A compiled condition: synchronous, pure; throws {@link ConditionEvaluationError} exactly where json-rules-engine rejects. */
export type CompiledCondition = (facts: ConditionFacts) => boolean;
