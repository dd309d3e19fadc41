export { compileConditions, conditionsMayThrow, DEFAULT_MODE, TIER_UP_CALLS } from './compile-conditions.js';
export type { CompileOptions, CompileMode } from './compile-conditions.js';
export { explainConditions } from './explain-conditions.js';
export type { Explanation, ConditionExplanation, LeafExplanation, GroupExplanation, NotExplanation } from './explain-conditions.js';
export { createReferenceEngine } from './reference-engine.js';
export type { ReferenceEngine, ReferenceRule, ReferenceEngineOptions } from './reference-engine.js';
export { OPERATORS, isOperator } from './operators.js';
export type { OperatorName } from './operators.js';
export { parsePlainPath, readPath, resolvePlainPath } from './plain-path.js';
export type { PathSegment, ParsedPath } from './plain-path.js';
export { ConditionSyntaxError, ConditionEvaluationError } from './errors.js';
export type {
  CompiledCondition,
  ConditionFacts,
  Condition,
  TopLevelCondition,
  LeafCondition,
  AllCondition,
  AnyCondition,
  NotCondition,
  BooleanCondition,
  FactReference,
} from './types.js';
