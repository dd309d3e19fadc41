// json-rules-engine itself, as the reference semantics for the compiled conditions
// (`simulate --engine reference`, the differential tests and the benchmark baseline).

import { Engine } from 'json-rules-engine';
import { resolvePlainPath } from './plain-path.js';
import type { ConditionFacts, TopLevelCondition } from './types.js';

export interface ReferenceRule {
  id: string;
  conditions: TopLevelCondition;
  /** json-rules-engine runs higher priorities first; it only matters for which error surfaces. Default 1. */
  priority?: number;
}

export interface ReferenceEngine {
  /** Ids of the rules whose conditions hold. Rejects when json-rules-engine rejects (a condition threw). */
  evaluate(facts: ConditionFacts): Promise<Set<string>>;
}

export interface ReferenceEngineOptions {
  /** A new json-rules-engine Engine for every evaluation instead of one reused Engine (benchmark baseline). */
  enginePerEvaluation?: boolean;
}

function toEngineRules(rules: readonly ReferenceRule[]) {
  return rules.map((r) => ({
    name: r.id,
    // json-rules-engine requires an integer priority >= 1.
    priority: r.priority !== undefined && Number.isInteger(r.priority) && r.priority >= 1 ? r.priority : 1,
    // json-rules-engine mutates condition objects (it rewrites leaf priorities): give it a copy.
    conditions: structuredClone(r.conditions),
    event: { type: r.id },
  }));
}

function newEngine(rules: readonly ReferenceRule[]): Engine {
  return new Engine(toEngineRules(rules), { allowUndefinedFacts: true, pathResolver: resolvePlainPath });
}

/**
 * Wraps one json-rules-engine Engine holding all rules, with the plain-path resolver and
 * `allowUndefinedFacts` so that a missing fact or path reads as undefined, as in compiled conditions.
 * Evaluations are serialised: Engine#run keeps its status on the engine, so overlapping runs would
 * cut each other short.
 */
export function createReferenceEngine(rules: readonly ReferenceRule[], options: ReferenceEngineOptions = {}): ReferenceEngine {
  const ids = new Set<string>();
  for (const r of rules) {
    if (ids.has(r.id)) throw new Error(`duplicate rule id ${JSON.stringify(r.id)}`);
    ids.add(r.id);
  }
  const run = async (facts: ConditionFacts): Promise<Set<string>> => {
    const engine = options.enginePerEvaluation ? newEngine(rules) : shared!;
    const result = await engine.run({ ...facts });
    return new Set(result.events.map((e) => e.type));
  };
  const shared = options.enginePerEvaluation ? undefined : newEngine(rules);
  let tail: Promise<unknown> = Promise.resolve();
  return {
    evaluate(facts) {
      const next = tail.then(() => run(facts));
      tail = next.catch(() => undefined);
      return next;
    },
  };
}
