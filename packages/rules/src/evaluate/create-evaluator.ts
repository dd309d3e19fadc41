import type { EventType, IncentiveEvent } from '@incentive/events';
import type { Calendar, CustomerFacts } from '@incentive/facts';
import { compileConditions, conditionsMayThrow, createReferenceEngine, explainConditions } from '../engine/index.js';
import type { CompiledCondition, Explanation, ReferenceEngine } from '../engine/index.js';
import type { RuleSpec, Ruleset } from '../ruleset.js';

export type EngineKind = 'compiled' | 'reference';

/** What conditions read: the event, the customer's facts after the event, the event's calendar day. */
export interface EvaluationInput {
  event: IncentiveEvent;
  customer: CustomerFacts;
  calendar: Calendar;
}

/** A rule whose conditions hold for this event (enabled, active at the event's time). Read-only. */
export interface Candidate {
  readonly rule: RuleSpec;
}

export interface Evaluation {
  /** Ordered by group (ungrouped first), then priority descending, then id. */
  candidates: Candidate[];
  /** Rules whose conditions could not be evaluated on this input (counted as not matching). */
  errors: { ruleId: string; message: string }[];
}

export type RuleOutcome = 'matched' | 'conditions-failed' | 'inactive' | 'error';

export interface RuleExplanation {
  ruleId: string;
  group: string | null;
  priority: number;
  outcome: RuleOutcome;
  /** For conditions-failed / error: the engine's explanation (blocking leaves with the values seen). */
  conditions?: Explanation;
}

export interface Evaluator {
  readonly engine: EngineKind;
  readonly rulesetVersion: string;
  /**
   * Synchronous for the compiled engine, a promise for json-rules-engine. `atMs` is
   * `Date.parse(input.event.occurredAt)` when the caller already has it (saves parsing it again).
   */
  evaluate(input: EvaluationInput, atMs?: number): Evaluation | Promise<Evaluation>;
  /** Every rule triggered by the event's type, with why it did or did not match. */
  explain(input: EvaluationInput): RuleExplanation[];
}

interface IndexedRule {
  rule: RuleSpec;
  test: CompiledCondition;
  /** Whether the conditions can throw: such a rule is evaluated even when inactive, for its error. */
  mayThrow: boolean;
  /** Allocated once: candidates are read-only, so every evaluation can hand out the same object. */
  candidate: Candidate;
}

/** Candidate order: group ('' = ungrouped first), priority descending, id. */
export function compareRules(a: RuleSpec, b: RuleSpec): number {
  const ga = a.group ?? '';
  const gb = b.group ?? '';
  if (ga !== gb) return ga < gb ? -1 : 1;
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const NO_ERRORS: Evaluation['errors'] = [];

/**
 * Indexes the enabled rules by event type (each list pre-sorted in candidate order) and evaluates
 * an event against only the rules its type triggers. `compiled` runs the conditions as plain
 * synchronous functions; `reference` runs json-rules-engine itself (one reused Engine per event type).
 */
export function createEvaluator(ruleset: Ruleset, options: { engine: EngineKind } = { engine: 'compiled' }): Evaluator {
  const byType = new Map<EventType, IndexedRule[]>();
  for (const rule of [...ruleset.rules].sort(compareRules)) {
    if (!rule.enabled) continue;
    const indexed: IndexedRule = { rule, test: compileConditions(rule.conditions), mayThrow: conditionsMayThrow(rule.conditions), candidate: { rule } };
    for (const t of rule.on) {
      let list = byType.get(t);
      if (!list) byType.set(t, (list = []));
      list.push(indexed);
    }
  }

  const active = (rule: RuleSpec, atMs: number): boolean => atMs >= rule.activeFromMs && atMs < rule.activeUntilMs;

  const explain = (input: EvaluationInput): RuleExplanation[] => {
    const atMs = Date.parse(input.event.occurredAt);
    return (byType.get(input.event.type) ?? []).map(({ rule }) => {
      const base = { ruleId: rule.id, group: rule.group, priority: rule.priority };
      if (!active(rule, atMs)) return { ...base, outcome: 'inactive' as const };
      const conditions = explainConditions(rule.conditions, input);
      const outcome: RuleOutcome = conditions.error !== undefined ? 'error' : conditions.passed ? 'matched' : 'conditions-failed';
      return outcome === 'matched' ? { ...base, outcome } : { ...base, outcome, conditions };
    });
  };

  if (options.engine === 'compiled') {
    return {
      engine: 'compiled',
      rulesetVersion: ruleset.version,
      explain,
      evaluate(input, at) {
        const list = byType.get(input.event.type);
        if (list === undefined) return { candidates: [], errors: NO_ERRORS };
        const atMs = at ?? Date.parse(input.event.occurredAt);
        const candidates: Candidate[] = [];
        let errors = NO_ERRORS;
        for (let i = 0; i < list.length; i++) {
          const { rule, test, mayThrow, candidate } = list[i] as IndexedRule;
          const isActive = atMs >= rule.activeFromMs && atMs < rule.activeUntilMs;
          // json-rules-engine runs every rule of the event type, active or not (the window is
          // applied to its result), so an inactive rule that throws still rejects the run.
          if (!isActive && !mayThrow) continue;
          let hit: boolean;
          try {
            hit = test(input);
          } catch (err) {
            if (errors === NO_ERRORS) errors = [];
            errors.push({ ruleId: rule.id, message: (err as Error).message });
            continue;
          }
          if (hit && isActive) candidates.push(candidate);
        }
        // As json-rules-engine: one rule that cannot be evaluated rejects the whole run, so nothing
        // of this event matches (lint refuses the conditions that can throw; this is the backstop).
        if (errors !== NO_ERRORS) return { candidates: [], errors };
        return { candidates, errors };
      },
    };
  }

  const engines = new Map<EventType, ReferenceEngine>();
  for (const [type, list] of byType) {
    engines.set(type, createReferenceEngine(list.map(({ rule }) => ({ id: rule.id, conditions: rule.conditions }))));
  }
  return {
    engine: 'reference',
    rulesetVersion: ruleset.version,
    explain,
    async evaluate(input, at) {
      const list = byType.get(input.event.type);
      const engine = engines.get(input.event.type);
      if (list === undefined || engine === undefined) return { candidates: [], errors: NO_ERRORS };
      const atMs = at ?? Date.parse(input.event.occurredAt);
      let matched: Set<string>;
      try {
        matched = await engine.evaluate({ event: input.event, customer: input.customer, calendar: input.calendar });
      } catch (err) {
        // json-rules-engine rejects the whole run when one condition throws.
        return { candidates: [], errors: [{ ruleId: '*', message: (err as Error).message }] };
      }
      const candidates = list.filter(({ rule }) => active(rule, atMs) && matched.has(rule.id)).map((x) => x.candidate);
      return { candidates, errors: NO_ERRORS };
    },
  };
}
