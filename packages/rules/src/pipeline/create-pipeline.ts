import type { IncentiveEvent, Reward } from '@incentive/events';
import type { CustomerFacts, CustomerState, FactsNote } from '@incentive/facts';
import { applyEvent, calendarOf } from '@incentive/facts';
import type { Candidate, Evaluation, EvaluationInput, Evaluator, RuleExplanation } from '../evaluate/create-evaluator.js';
import type { LimitCounter, LimitRequest, LimitStore } from '../limits/limit-store.js';
import { limitKey } from '../limits/limit-store.js';
import type { RuleSpec, Ruleset } from '../ruleset.js';
import { buildRewards } from '../rewards/build-rewards.js';
import type { RewardContext } from '../rewards/build-rewards.js';
import { windowStart } from '../schema/windows.js';

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

export type SelectionOutcome = 'rewarded' | 'limit-blocked' | 'group-taken' | 'nothing-to-issue';

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
  derived: IncentiveEvent[];
  notes: FactsNote[];
  /** Rules whose conditions threw on this input (counted as not matching); present only when non-empty. */
  evaluationErrors?: Evaluation['errors'];
  explain?: PipelineExplanation;
}

export interface Pipeline {
  readonly ruleset: Ruleset;
  process(state: CustomerState | undefined, event: IncentiveEvent, ctx?: ProcessContext): Promise<PipelineResult>;
}

interface Pending {
  candidate: Candidate;
  rewards: Reward[];
  request: LimitRequest | null;
  won: boolean;
}

/** Per-rule data for limit requests, computed once per pipeline (keys and windows never change). */
interface RuleLimitPlan {
  /** `}:limit:<ruleId>:<window>`: the per-customer key is `{c:` + customerId + this. */
  customerKeySuffix: string;
  totalKey: string;
  budgetKey: string;
}

function planLimits(rule: RuleSpec): RuleLimitPlan {
  const l = rule.limits;
  return {
    customerKeySuffix: l?.perCustomer ? limitKey('customer', rule.id, l.perCustomer.windowText, '').slice(3) : '',
    totalKey: l?.total ? limitKey('total', rule.id, l.total.windowText, '') : '',
    budgetKey: l?.budget ? limitKey('budget', rule.id, l.budget.windowText, '') : '',
  };
}

/** Limit counters for one firing of `rule` on `event`, or null when the rule has no limits. */
function limitRequestFor(rule: RuleSpec, plan: RuleLimitPlan, event: IncentiveEvent, atMs: number, rewards: readonly Reward[]): LimitRequest | null {
  const limits = rule.limits;
  if (limits === null) return null;
  const counters: LimitCounter[] = [];
  if (limits.perCustomer) {
    const l = limits.perCustomer;
    counters.push({ scope: 'customer', key: `{c:${event.customerId}${plan.customerKeySuffix}`, ruleId: rule.id, max: l.count, amount: 1, sinceMs: finite(windowStart(l.window, atMs)) });
  }
  if (limits.total) {
    const l = limits.total;
    counters.push({ scope: 'total', key: plan.totalKey, ruleId: rule.id, max: l.count, amount: 1, sinceMs: finite(windowStart(l.window, atMs)) });
  }
  if (limits.budget) {
    const b = limits.budget;
    let points = 0;
    for (let i = 0; i < rewards.length; i++) {
      const r = rewards[i] as Reward;
      if (r.kind === 'points') points += r.points;
    }
    if (points > 0) {
      counters.push({ scope: 'budget', key: plan.budgetKey, ruleId: rule.id, max: b.points, amount: points, sinceMs: finite(windowStart(b.window, atMs)) });
    }
  }
  return { id: (rewards[0] as Reward).rewardId, atMs, counters };
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

function finite(ms: number): number | null {
  return Number.isFinite(ms) ? ms : null;
}

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

  return {
    ruleset,
    async process(state, event, ctx = NO_CONTEXT) {
      const applied = applyEvent(state, event, factsConfig, ctx.referrerKnown === undefined ? undefined : { referrerKnown: ctx.referrerKnown });
      const customer = ctx.factsOverlay ? { ...applied.facts, ...ctx.factsOverlay } : applied.facts;
      const calendar = calendarOf(event.occurredAt, timezone);
      const input: EvaluationInput = { event, customer, calendar };
      const atMs = Date.parse(event.occurredAt);
      const evaluated = evaluator.evaluate(input, atMs);
      const evaluation = evaluated instanceof Promise ? await evaluated : evaluated;
      const { candidates } = evaluation;

      const selection = ctx.explain ? new Map<string, SelectionOutcome>() : null;
      let rewards: Reward[] = [];
      if (candidates.length > 0) {
        const selected = select(candidates, input, atMs, selection);
        rewards = Array.isArray(selected) ? selected : await selected;
      }
      const result: PipelineResult = { state: applied.state, facts: customer, rewards, derived: applied.derived, notes: applied.notes };
      if (evaluation.errors.length > 0) result.evaluationErrors = evaluation.errors;
      if (ctx.explain) {
        result.explain = {
          eventId: event.id,
          eventType: event.type,
          customerId: event.customerId,
          rules: evaluator.explain(input).map((r) => {
            const s = selection?.get(r.ruleId);
            return s === undefined ? r : { ...r, selection: s };
          }),
          evaluationErrors: evaluation.errors,
        };
      }
      return result;
    },
  };

  /** Synchronous unless a candidate has limits (then the limit store is awaited). */
  function select(candidates: readonly Candidate[], input: EvaluationInput, atMs: number, selection: Map<string, SelectionOutcome> | null): Reward[] | Promise<Reward[]> {
    const { event } = input;
    const ctx: RewardContext = { event, customer: input.customer, calendar: input.calendar, rulesetVersion: ruleset.version, pointsExpireAfterDays };

    let anyLimits = false;
    for (let i = 0; i < candidates.length; i++) {
      if ((candidates[i] as Candidate).rule.limits !== null) {
        anyLimits = true;
        break;
      }
    }
    if (!anyLimits) {
      // Fast path, no limit store: candidates come grouped and in priority order, so the first
      // candidate of a group that issues something wins it.
      const out: Reward[] = [];
      let taken: string | null = null;
      for (let i = 0; i < candidates.length; i++) {
        const rule = (candidates[i] as Candidate).rule;
        if (rule.group !== null && rule.group === taken) {
          selection?.set(rule.id, 'group-taken');
          continue;
        }
        const rewards = buildRewards(rule, ctx, atMs);
        if (rewards.length === 0) {
          selection?.set(rule.id, 'nothing-to-issue');
          continue;
        }
        if (rule.group !== null) taken = rule.group;
        selection?.set(rule.id, 'rewarded');
        for (let k = 0; k < rewards.length; k++) out.push(rewards[k] as Reward);
      }
      return out;
    }
    return selectWithLimits(candidates, ctx, atMs, selection);
  }

  async function selectWithLimits(
    candidates: readonly Candidate[],
    ctx: RewardContext,
    atMs: number,
    selection: Map<string, SelectionOutcome> | null,
  ): Promise<Reward[]> {
    const { event } = ctx;
    // Lanes: one per group (candidates already in priority order), one per ungrouped rule.
    const lanes: Pending[][] = [];
    let laneOfGroup: Map<string, Pending[]> | null = null;
    for (const candidate of candidates) {
      const rewards = buildRewards(candidate.rule, ctx, atMs);
      if (rewards.length === 0) {
        selection?.set(candidate.rule.id, 'nothing-to-issue');
        continue;
      }
      const rule = candidate.rule;
      const pending: Pending = { candidate, rewards, request: rule.limits === null ? null : limitRequestFor(rule, planOf(rule), event, atMs, rewards), won: false };
      const group = candidate.rule.group;
      if (group === null) {
        lanes.push([pending]);
        continue;
      }
      laneOfGroup ??= new Map();
      let lane = laneOfGroup.get(group);
      if (!lane) {
        laneOfGroup.set(group, (lane = []));
        lanes.push(lane);
      }
      lane.push(pending);
    }

    const cursor: number[] = new Array<number>(lanes.length).fill(0);
    let open: number[] = [];
    for (let i = 0; i < lanes.length; i++) open.push(i);
    while (open.length > 0) {
      const asking: number[] = [];
      const requests: LimitRequest[] = [];
      for (let k = 0; k < open.length; k++) {
        const lane = open[k] as number;
        const pending = (lanes[lane] as Pending[])[cursor[lane] as number];
        if (pending === undefined) continue;
        if (pending.request === null) {
          pending.won = true;
        } else {
          asking.push(lane);
          requests.push(pending.request);
        }
      }
      if (asking.length === 0) break;
      const answers = await limits.reserve(requests);
      open = [];
      for (let k = 0; k < asking.length; k++) {
        const lane = asking[k] as number;
        const pending = (lanes[lane] as Pending[])[cursor[lane] as number] as Pending;
        if (answers[k] === true) {
          pending.won = true;
        } else {
          selection?.set(pending.candidate.rule.id, 'limit-blocked');
          cursor[lane] = (cursor[lane] as number) + 1;
          open.push(lane);
        }
      }
    }

    const out: Reward[] = [];
    for (const lane of lanes) {
      for (const pending of lane) {
        const id = pending.candidate.rule.id;
        if (pending.won) {
          selection?.set(id, 'rewarded');
          for (const r of pending.rewards) out.push(r);
        } else if (selection && !selection.has(id)) {
          selection.set(id, 'group-taken');
        }
      }
    }
    return out;
  }
}
