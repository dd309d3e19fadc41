import { createEvaluator, createMemoryLimitStore, createMemorySession, createPipeline, loadRuleset } from '@incentive/rules';
import { parseEvent, type Reward } from '@incentive/events';
import type { EventInput } from './harness.js';

/** What the in-memory pipeline (as `incentive simulate` runs it) issues for these events, in order. */
export async function simulate(rulesDir: string, events: EventInput[]): Promise<Reward[]> {
  const loaded = await loadRuleset(rulesDir);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  const pipeline = createPipeline({ ruleset: loaded.ruleset, evaluator: createEvaluator(loaded.ruleset, { engine: 'compiled' }), limits: createMemoryLimitStore() });
  const session = createMemorySession(pipeline);
  const out: Reward[] = [];
  for (const e of events) {
    const parsed = parseEvent(e);
    if (!parsed.ok) throw new Error(parsed.error.message);
    out.push(...(await session.process(parsed.value)).rewards);
  }
  return out;
}

