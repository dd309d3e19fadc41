// @incentive/rules: rule files -> validated Ruleset -> evaluator -> the one event-to-rewards pipeline.
export type { LintProblem, LoadResult, Ruleset, RuleSpec, RewardTemplate, RuleLimitsSpec, CountLimit, BudgetLimit, SegmentSpec } from './ruleset.js';
export { loadRuleset, readRuleFiles } from './load/load-ruleset.js';
export { buildRuleset, compileSegmentClassifier, DEFAULT_SEGMENT } from './load/build-ruleset.js';
export { lintRules } from './fixtures/lint-rules.js';
export { canonicalJson } from './load/canonical-json.js';
export { parseJsonWithPosition } from './load/parse-json.js';
export { createEvaluator, compareRules } from './evaluate/create-evaluator.js';
export type { Evaluator, Evaluation, EvaluationInput, Candidate, EngineKind, RuleExplanation, RuleOutcome } from './evaluate/create-evaluator.js';
export { createPipeline } from './pipeline/create-pipeline.js';
export type { Pipeline, PipelineDeps, PipelineResult, PipelineExplanation, ProcessContext, SelectionOutcome } from './pipeline/create-pipeline.js';
export { createMemorySession } from './pipeline/memory-session.js';
export type { MemorySession, MemorySessionOptions, SessionResult } from './pipeline/memory-session.js';
export { createMemoryLimitStore, limitKey } from './limits/limit-store.js';
export type { LimitStore, LimitRequest, LimitCounter, LimitScope, MemoryLimitStore } from './limits/limit-store.js';
export { buildRewards, pointsFor } from './rewards/build-rewards.js';
export { rewardIdOf } from './rewards/reward-id.js';
export { parseWindow, windowStart, formatWindow } from './schema/windows.js';
export type { LimitWindow } from './schema/windows.js';
export { parseTemplate, renderTemplate } from './template/message-template.js';
export { CUSTOMER_FACTS, CALENDAR_FACTS, eventShape } from './schema/known-facts.js';
export type { RewardSpec, RuleDefinition } from './schema/rule-schema.js';
export { runFixtures, loadFixtures } from './fixtures/run-fixtures.js';
export type { Fixture, FixtureOutcome, FixtureReport } from './fixtures/run-fixtures.js';
export {
  compileConditions,
  explainConditions,
  createReferenceEngine,
  OPERATORS,
  isOperator,
  parsePlainPath,
  readPath,
  ConditionSyntaxError,
  ConditionEvaluationError,
} from './engine/index.js';
export type {
  Explanation,
  ConditionExplanation,
  ReferenceEngine,
  ReferenceRule,
  CompiledCondition,
  ConditionFacts,
  Condition,
  TopLevelCondition,
  OperatorName,
} from './engine/index.js';
