import type { IncentiveEvent, Reward } from '@incentive/events';
import type { CustomerFacts, CustomerState, FactsNote } from '@incentive/facts';
import { applyEvent, calendarOfInstant, parseInstant } from '@incentive/facts';
import type { ApplyResult } from '@incentive/facts';
import type { Evaluation, EvaluationInput, Evaluator, RuleExplanation } from '../evaluate/create-evaluator.js';
import type { LimitStore } from '../limits/limit-store.js';
import type { RuleSpec, Ruleset } from '../ruleset.js';
import type { RewardContext } from '../rewards/build-rewards.js';
import { planLimits, selectRewards } from './select-rewards.js';
import type { RuleLimitPlan, SelectionDeps, SelectionOutcome } from './select-rewards.js';

export type { SelectionOutcome } from './select-rewards.js';

export interface PipelineDeps {
  ruleset: Ruleset;
  evaluator: Evaluator;
  limits: LimitStore;
}

export interface ProcessContext {
  /** For referral events: whether the referrer is a known customer (the caller looks it up). */
  referrerKnown?: boolean;
  /** Also return why each rule did or did not reward (costs a second, explaining evaluation). */
  explain?: boolean;
  /**
   * Facts to show the rules instead of the computed ones (fixtures' `given.facts`, what-if runs).
   * The stored state is not changed by it.
   */
  factsOverlay?: Partial<CustomerFacts>;
}

export interface PipelineExplanation {
  eventId: string;
  eventType: string;
  customerId: string;
  rules: (RuleExplanation & { selection?: SelectionOutcome })[];
  evaluationErrors: Evaluation['errors'];
}

export interface PipelineResult {
  state: CustomerState;
  facts: CustomerFacts;
  rewards: Reward[];
  /** Events to process next (referral.credited, under the referrer's key). */
  derived: readonly IncentiveEvent[];
  notes: readonly FactsNote[];
  /** Rules whose conditions threw on this input (counted as not matching); present only when non-empty. */
  evaluationErrors?: Evaluation['errors'];
  explain?: PipelineExplanation;
}

export interface Pipeline {
  readonly ruleset: Ruleset;
  /** Always a promise (the worker's interface); errors (bad event time, ...) reject it. */
  process(state: CustomerState | undefined, event: IncentiveEvent, ctx?: ProcessContext): Promise<PipelineResult>;
  /**
   * The same work as `process`, returning the result itself when nothing had to be awaited: a
   * compiled evaluator and no limit store call, or a store that answers synchronously
   * (`reserveNow`, the in-memory one). Throws instead of rejecting. What `createMemorySession`
   * (`simulate`, fixtures) runs, so the pure path allocates no promise per event.
   */
  run(state: CustomerState | undefined, event: IncentiveEvent, ctx?: ProcessContext): PipelineResult | Promise<PipelineResult>;
}

/**
 * Limit plans by rule, shared by every pipeline over the same rule objects: the rules worker builds
 * a short-lived pipeline per customer and chunk (a limit store scoped to that work), and planning
 * every rule's keys each time showed up in its profile.
 */
const plans = new WeakMap<RuleSpec, RuleLimitPlan>();

function planOf(rule: RuleSpec): RuleLimitPlan {
  let plan = plans.get(rule);
  if (plan === undefined) plans.set(rule, (plan = planLimits(rule)));
  return plan;
}

const NO_CONTEXT: ProcessContext = {};

/**
 * The one code path from an event to rewards, shared by `incentive simulate` and the rules worker:
 * apply the event to the customer's state, evaluate the rules that the event type triggers, pick at
 * most one rule per group (highest priority whose conditions hold and whose limits allow it; ties by
 * id; ungrouped rules independently), reserve limits, and build the rewards.
 *
 * The limit store is called only when some candidate has limits, and then once per "round":
 * a second round happens only when a group's best candidate was refused by its limits.
 */
export function createPipeline(deps: PipelineDeps): Pipeline {
  const { ruleset, evaluator, limits } = deps;
  const timezone = ruleset.schedule.timezone;
  const pointsExpireAfterDays = ruleset.schedule.pointsExpireAfterDays;
  const factsConfig = ruleset.factsConfig;
  const selectionDeps: SelectionDeps = { limits, planOf };

  const run: Pipeline['run'] = (state, event, ctx = NO_CONTEXT) => {
    // Parsed once here for the rules' active windows, limits and expiry dates, and the calendar.
    // parseInstant is what applyEvent uses (it throws on what parseInstant refuses) and equals
    // Date.parse on everything it accepts (facts' time.test.ts).
    const atMs = parseInstant(event.occurredAt);
    const applied = applyEvent(state, event, factsConfig, ctx.referrerKnown === undefined ? undefined : { referrerKnown: ctx.referrerKnown });
    const customer = ctx.factsOverlay ? { ...applied.facts, ...ctx.factsOverlay } : applied.facts;
    const input: EvaluationInput = { event, customer, calendar: calendarOfInstant(atMs, timezone) };
    const evaluated = evaluator.evaluate(input, atMs);
    if (evaluated instanceof Promise) return evaluated.then((evaluation) => afterEvaluation(applied, input, atMs, evaluation, ctx));
    return afterEvaluation(applied, input, atMs, evaluated, ctx);
  };

  function afterEvaluation(applied: ApplyResult, input: EvaluationInput, atMs: number, evaluation: Evaluation, ctx: ProcessContext): PipelineResult | Promise<PipelineResult> {
    const selection = ctx.explain ? new Map<string, SelectionOutcome>() : null;
    const { candidates } = evaluation;
    if (candidates.length === 0) return resultOf(applied, input, evaluation, [], selection);
    const rewardCtx: RewardContext = { event: input.event, customer: input.customer, calendar: input.calendar, rulesetVersion: ruleset.version, pointsExpireAfterDays };
    const selected = selectRewards(selectionDeps, candidates, rewardCtx, atMs, selection);
    if (selected instanceof Promise) return selected.then((rewards) => resultOf(applied, input, evaluation, rewards, selection));
    return resultOf(applied, input, evaluation, selected, selection);
  }

  function resultOf(applied: ApplyResult, input: EvaluationInput, evaluation: Evaluation, rewards: Reward[], selection: Map<string, SelectionOutcome> | null): PipelineResult {
    const result: PipelineResult = { state: applied.state, facts: input.customer, rewards, derived: applied.derived, notes: applied.notes };
    if (evaluation.errors.length > 0) result.evaluationErrors = evaluation.errors;
    if (selection !== null) {
      const { event } = input;
      result.explain = {
        eventId: event.id,
        eventType: event.type,
        customerId: event.customerId,
        rules: evaluator.explain(input).map((r) => {
          const s = selection.get(r.ruleId);
          return s === undefined ? r : { ...r, selection: s };
        }),
        evaluationErrors: evaluation.errors,
      };
    }
    return result;
  }

  return {
    ruleset,
    run,
    async process(state, event, ctx) {
      return run(state, event, ctx);
    },
  };
}
