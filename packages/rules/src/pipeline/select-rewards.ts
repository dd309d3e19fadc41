import type { IncentiveEvent, Reward } from '@incentive/events';
import type { Candidate } from '../evaluate/create-evaluator.js';
import type { LimitCounter, LimitRequest, LimitStore } from '../limits/limit-store.js';
import { limitKey } from '../limits/limit-store.js';
import type { RuleSpec } from '../ruleset.js';
import { buildRewards } from '../rewards/build-rewards.js';
import type { RewardContext } from '../rewards/build-rewards.js';
import { windowStart } from '../schema/windows.js';

// Per event: at most one rule per group rewards (the highest priority whose conditions hold and
// whose limits allow it; candidates arrive in that order), every ungrouped rule independently.
// Everything here is synchronous unless the limit store has to be awaited, so that `simulate`
// (in-memory store) pays no promise per event.

export type SelectionOutcome = 'rewarded' | 'limit-blocked' | 'group-taken' | 'nothing-to-issue';

/** Per-rule data for limit requests, computed once per pipeline (keys and windows never change). */
export interface RuleLimitPlan {
  /** `}:limit:<ruleId>:<window>`: the per-customer key is `{c:` + customerId + this. */
  customerKeySuffix: string;
  totalKey: string;
  budgetKey: string;
}

export function planLimits(rule: RuleSpec): RuleLimitPlan {
  const l = rule.limits;
  return {
    customerKeySuffix: l?.perCustomer ? limitKey('customer', rule.id, l.perCustomer.windowText, '').slice(3) : '',
    totalKey: l?.total ? limitKey('total', rule.id, l.total.windowText, '') : '',
    budgetKey: l?.budget ? limitKey('budget', rule.id, l.budget.windowText, '') : '',
  };
}

function finite(ms: number): number | null {
  return Number.isFinite(ms) ? ms : null;
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

export interface SelectionDeps {
  limits: LimitStore;
  planOf(rule: RuleSpec): RuleLimitPlan;
}

/**
 * The rewards of the selected candidates, in candidate order. `explain`, when given, receives
 * each candidate's outcome. A promise only when a candidate has limits and the store has no
 * `reserveNow`.
 */
export function selectRewards(
  deps: SelectionDeps,
  candidates: readonly Candidate[],
  ctx: RewardContext,
  atMs: number,
  explain: Map<string, SelectionOutcome> | null,
): Reward[] | Promise<Reward[]> {
  for (let i = 0; i < candidates.length; i++) {
    if ((candidates[i] as Candidate).rule.limits !== null) return new LimitedSelection(deps, candidates, ctx, atMs, explain).settle();
  }
  // No limits: the first candidate of a group that issues something wins it.
  let out: Reward[] | null = null;
  let taken: string | null = null;
  for (let i = 0; i < candidates.length; i++) {
    const rule = (candidates[i] as Candidate).rule;
    if (rule.group !== null && rule.group === taken) {
      explain?.set(rule.id, 'group-taken');
      continue;
    }
    const rewards = buildRewards(rule, ctx, atMs);
    if (rewards.length === 0) {
      explain?.set(rule.id, 'nothing-to-issue');
      continue;
    }
    if (rule.group !== null) taken = rule.group;
    explain?.set(rule.id, 'rewarded');
    out = appendTo(out, rewards);
  }
  return out ?? [];
}

/** `rewards` appended to `out`; buildRewards' arrays are fresh, so the first one is kept as the list. */
function appendTo(out: Reward[] | null, rewards: Reward[]): Reward[] {
  if (out === null) return rewards;
  for (let k = 0; k < rewards.length; k++) out.push(rewards[k] as Reward);
  return out;
}

/** One rule firing waiting for its lane's decision. */
interface Pending {
  rule: RuleSpec;
  /**
   * Built when the candidate comes up in its lane, not before: a rule below its group's winner
   * never pays for its reward ids (a sha256 each).
   */
  rewards: Reward[] | null;
  request: LimitRequest | null;
  won: boolean;
}

/**
 * Selection when some candidate has limits. Lanes: one per group (candidates in priority order),
 * one per ungrouped rule. Each round asks the limit store, in one call, about the current head of
 * every undecided lane; a lane whose head is refused moves on to its next candidate in the next
 * round. A head without limits wins without asking.
 */
class LimitedSelection {
  private readonly lanes: Pending[][] = [];
  private readonly cursor: number[];
  private open: number[];

  constructor(
    private readonly deps: SelectionDeps,
    candidates: readonly Candidate[],
    private readonly ctx: RewardContext,
    private readonly atMs: number,
    private readonly explain: Map<string, SelectionOutcome> | null,
  ) {
    let laneOfGroup: Map<string, Pending[]> | null = null;
    for (let i = 0; i < candidates.length; i++) {
      const rule = (candidates[i] as Candidate).rule;
      const pending: Pending = { rule, rewards: null, request: null, won: false };
      if (rule.group === null) {
        this.lanes.push([pending]);
        continue;
      }
      laneOfGroup ??= new Map();
      let lane = laneOfGroup.get(rule.group);
      if (!lane) {
        laneOfGroup.set(rule.group, (lane = []));
        this.lanes.push(lane);
      }
      lane.push(pending);
    }
    this.cursor = new Array<number>(this.lanes.length).fill(0);
    this.open = this.lanes.map((_, i) => i);
  }

  settle(): Reward[] | Promise<Reward[]> {
    const limits = this.deps.limits;
    while (this.open.length > 0) {
      const asking: number[] = [];
      const requests: LimitRequest[] = [];
      for (let k = 0; k < this.open.length; k++) {
        const lane = this.open[k] as number;
        const pending = this.head(lane);
        if (pending === undefined) continue;
        if (pending.request === null) {
          pending.won = true;
        } else {
          asking.push(lane);
          requests.push(pending.request);
        }
      }
      if (asking.length === 0) break;
      if (limits.reserveNow === undefined) {
        return limits.reserve(requests).then((answers) => {
          this.answer(asking, answers);
          return this.settle();
        });
      }
      this.answer(asking, limits.reserveNow(requests));
    }
    return this.collect();
  }

  /** The lane's current candidate, its rewards built; candidates with nothing to issue are passed over. */
  private head(lane: number): Pending | undefined {
    const candidates = this.lanes[lane] as Pending[];
    for (;;) {
      const pending = candidates[this.cursor[lane] as number];
      if (pending === undefined || pending.rewards !== null) return pending;
      const rewards = buildRewards(pending.rule, this.ctx, this.atMs);
      if (rewards.length > 0) {
        pending.rewards = rewards;
        if (pending.rule.limits !== null) pending.request = limitRequestFor(pending.rule, this.deps.planOf(pending.rule), this.ctx.event, this.atMs, rewards);
        return pending;
      }
      this.explain?.set(pending.rule.id, 'nothing-to-issue');
      this.cursor[lane] = (this.cursor[lane] as number) + 1;
    }
  }

  private answer(asking: readonly number[], answers: readonly boolean[]): void {
    this.open = [];
    for (let k = 0; k < asking.length; k++) {
      const lane = asking[k] as number;
      const pending = (this.lanes[lane] as Pending[])[this.cursor[lane] as number] as Pending;
      if (answers[k] === true) {
        pending.won = true;
      } else {
        this.explain?.set(pending.rule.id, 'limit-blocked');
        this.cursor[lane] = (this.cursor[lane] as number) + 1;
        this.open.push(lane);
      }
    }
  }

  private collect(): Reward[] {
    let out: Reward[] | null = null;
    for (const lane of this.lanes) {
      for (const pending of lane) {
        if (pending.won) {
          this.explain?.set(pending.rule.id, 'rewarded');
          out = appendTo(out, pending.rewards as Reward[]);
        } else if (this.explain && !this.explain.has(pending.rule.id)) {
          // Below its group's winner, never built: explain says why it did not reward.
          const nothing = pending.rewards === null && buildRewards(pending.rule, this.ctx, this.atMs).length === 0;
          this.explain.set(pending.rule.id, nothing ? 'nothing-to-issue' : 'group-taken');
        }
      }
    }
    return out ?? [];
  }
}
