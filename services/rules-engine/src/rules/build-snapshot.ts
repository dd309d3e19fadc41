import { createEvaluator, createPipeline, loadRuleset, type EngineKind, type Evaluation, type Evaluator, type LimitStore, type Pipeline } from '@incentive/rules';
import type { RefusalScope } from '../redis/limit-store.js';
import type { BuildResult } from './rules-reloader.js';

export interface RulesHooks {
  /** Rules the event's type triggers (enabled ones), evaluated for this event. The same array per type: do not mutate it. */
  onEvaluated?: (ruleIds: readonly string[]) => void;
  /** Rules whose conditions held, before group and limit decisions. */
  onMatched?: (ruleIds: readonly string[]) => void;
}

export interface RulesSnapshotOf {
  version: string;
  pipeline: Pipeline;
  /** A pipeline for one customer's events of one chunk, answering repeated limit refusals from memory (see `RefusalScope`). */
  scoped?: () => { pipeline: Pipeline } & Omit<RefusalScope, 'store'>;
}

const NO_RULES: readonly string[] = [];

/** Counts evaluations and matches per rule without changing what the evaluator returns. */
function instrument(evaluator: Evaluator, ruleIdsByType: Map<string, string[]>, hooks: RulesHooks): Evaluator {
  if (!hooks.onEvaluated && !hooks.onMatched) return evaluator;
  const report = (type: string, evaluation: Evaluation): Evaluation => {
    hooks.onEvaluated?.(ruleIdsByType.get(type) ?? NO_RULES);
    if (evaluation.candidates.length > 0) hooks.onMatched?.(evaluation.candidates.map((c) => c.rule.id));
    return evaluation;
  };
  return {
    engine: evaluator.engine,
    rulesetVersion: evaluator.rulesetVersion,
    explain: (input) => evaluator.explain(input),
    evaluate(input) {
      const out = evaluator.evaluate(input);
      return out instanceof Promise ? out.then((e) => report(input.event.type, e)) : report(input.event.type, out);
    },
  };
}

/**
 * Loads and validates the rules directory (exactly what `rules lint` checks for rule files) and
 * builds the pipeline the worker runs: the same `createPipeline` as `incentive simulate`, with the
 * Redis limit store instead of the in-memory one.
 */
export async function buildRulesSnapshot(
  dir: string,
  options: { engine: EngineKind; limits: LimitStore & { scope?: () => RefusalScope }; hooks?: RulesHooks },
): Promise<BuildResult<RulesSnapshotOf>> {
  const loaded = await loadRuleset(dir);
  if (!loaded.ok) return { ok: false, problems: loaded.problems };
  const { ruleset } = loaded;
  const ruleIdsByType = new Map<string, string[]>();
  for (const rule of ruleset.rules) {
    if (!rule.enabled) continue;
    for (const t of rule.on) ruleIdsByType.set(t, [...(ruleIdsByType.get(t) ?? []), rule.id]);
  }
  const evaluator = instrument(createEvaluator(ruleset, { engine: options.engine }), ruleIdsByType, options.hooks ?? {});
  const { limits } = options;
  const pipeline = createPipeline({ ruleset, evaluator, limits });
  const scoped = limits.scope
    ? () => {
        const scope = limits.scope!();
        return { ...scope, pipeline: createPipeline({ ruleset, evaluator, limits: scope.store }) };
      }
    : undefined;
  return { ok: true, version: ruleset.version, snapshot: { version: ruleset.version, pipeline, ...(scoped ? { scoped } : {}) } };
}
