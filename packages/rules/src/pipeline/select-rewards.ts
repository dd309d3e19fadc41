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
  let points = 0;
  if (limits.budget) {
    for (let i = 0; i < rewards.length; i++) {
      const r = rewards[i] as Reward;
      if (r.kind === 'points') points += r.points;
    }
  }
  // Sized up front: a pushed-to array reserves 16 slots, and this runs per limited firing.
  const counters = new Array<LimitCounter>((limits.perCustomer ? 1 : 0) + (limits.total ? 1 : 0) + (points > 0 ? 1 : 0));
  let n = 0;
  if (limits.perCustomer) {
    const l = limits.perCustomer;
    counters[n++] = { scope: 'customer', key: `{c:${event.customerId}${plan.customerKeySuffix}`, ruleId: rule.id, max: l.count, amount: 1, sinceMs: finite(windowStart(l.window, atMs)) };
  }
  if (limits.total) {
    const l = limits.total;
    counters[n++] = { scope: 'total', key: plan.totalKey, ruleId: rule.id, max: l.count, amount: 1, sinceMs: finite(windowStart(l.window, atMs)) };
  }
  if (limits.budget && points > 0) {
    const b = limits.budget;
    counters[n++] = { scope: 'budget', key: plan.budgetKey, ruleId: rule.id, max: b.points, amount: points, sinceMs: finite(windowStart(b.window, atMs)) };
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
 * Selection when some candidate has limits. Lanes: one per group (its candidates are consecutive,
 * in priority order), one per ungrouped rule. Each round asks the limit store, in one call, about
 * the current head of every undecided lane; a lane whose head is refused moves on to its next
 * candidate in the next round. A head without limits wins without asking.
 */
class LimitedSelection {
  /** One per candidate, in candidate order. */
  private readonly pending: Pending[];
  /** Per lane: the index in `pending` of its current candidate, and the end of its run. */
  private readonly cursor: number[] = [];
  private readonly end: number[] = [];
  /** Lanes still undecided. */
  private open: number[] = [];

  constructor(
    private readonly deps: SelectionDeps,
    candidates: readonly Candidate[],
    private readonly ctx: RewardContext,
    private readonly atMs: number,
    private readonly explain: Map<string, SelectionOutcome> | null,
  ) {
    this.pending = new Array<Pending>(candidates.length);
    let group: string | null = null;
    for (let i = 0; i < candidates.length; i++) {
      const rule = (candidates[i] as Candidate).rule;
      this.pending[i] = { rule, rewards: null, request: null, won: false };
      if (rule.group !== null && rule.group === group) {
        this.end[this.end.length - 1] = i + 1;
        continue;
      }
      group = rule.group;
      this.open.push(this.cursor.length);
      this.cursor.push(i);
      this.end.push(i + 1);
    }
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
    const end = this.end[lane] as number;
    for (let i = this.cursor[lane] as number; i < end; i = this.advance(lane)) {
      const pending = this.pending[i] as Pending;
      if (pending.rewards !== null) return pending;
      const rewards = buildRewards(pending.rule, this.ctx, this.atMs);
      if (rewards.length > 0) {
        pending.rewards = rewards;
        if (pending.rule.limits !== null) pending.request = limitRequestFor(pending.rule, this.deps.planOf(pending.rule), this.ctx.event, this.atMs, rewards);
        return pending;
      }
      this.explain?.set(pending.rule.id, 'nothing-to-issue');
    }
    return undefined;
  }

  /** Moves the lane on to its next candidate; returns its index. */
  private advance(lane: number): number {
    return (this.cursor[lane] = (this.cursor[lane] as number) + 1);
  }

  private answer(asking: readonly number[], answers: readonly boolean[]): void {
    this.open = [];
    for (let k = 0; k < asking.length; k++) {
      const lane = asking[k] as number;
      const pending = this.pending[this.cursor[lane] as number] as Pending;
      if (answers[k] === true) {
        pending.won = true;
      } else {
        this.explain?.set(pending.rule.id, 'limit-blocked');
        this.advance(lane);
        this.open.push(lane);
      }
    }
  }

  private collect(): Reward[] {
    let out: Reward[] | null = null;
    for (const pending of this.pending) {
      if (pending.won) {
        this.explain?.set(pending.rule.id, 'rewarded');
        out = appendTo(out, pending.rewards as Reward[]);
      } else if (this.explain && !this.explain.has(pending.rule.id)) {
        // Below its group's winner, never built: explain says why it did not reward.
        const nothing = pending.rewards === null && buildRewards(pending.rule, this.ctx, this.atMs).length === 0;
        this.explain.set(pending.rule.id, nothing ? 'nothing-to-issue' : 'group-taken');
      }
    }
    return out ?? [];
  }
}
