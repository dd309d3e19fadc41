// Rules throughput: compiled conditions vs json-rules-engine (new Engine per event, and one reused
// Engine holding all rules), for the shipped catalogue and 200 / 2000 generated rules, plus the
// full pure path (validate, apply facts, evaluate, limits, rewards). All baselines are measured in
// the same run; json-rules-engine is timed over a time-boxed, evenly spaced sample of the events
// and its rate extrapolated (said so in the output).
//
//   pnpm --filter @incentive/bench rules [-- --events 100000 --budget-ms 3000 --rules ../rules]

import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseEventJson } from '@incentive/events';
import type { IncentiveEvent } from '@incentive/events';
import { applyEvent, calendarOf } from '@incentive/facts';
import type { CustomerState } from '@incentive/facts';
import {
  compileConditions,
  createEvaluator,
  createMemoryLimitStore,
  createMemorySession,
  createPipeline,
  createReferenceEngine,
  loadRuleset,
} from '@incentive/rules';
import type { Evaluation, EvaluationInput, RuleSpec, Ruleset } from '@incentive/rules';
import { generateRules } from './lib/generated-rules.js';
import { fmtRate, fmtRatio, measureAsync, measureSync, spread } from './lib/measure.js';
import type { Measured } from './lib/measure.js';
import { syntheticEventLines } from './lib/synthetic-events.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    customers: { type: 'string', default: '6000' },
    'budget-ms': { type: 'string', default: '3000' },
    'compiled-budget-ms': { type: 'string', default: '12000' },
    rules: { type: 'string', default: fileURLToPath(new URL('../../rules', import.meta.url)) },
  },
});
const EVENTS = Number(values.events);
const BUDGET_MS = Number(values['budget-ms']);
const COMPILED_BUDGET_MS = Number(values['compiled-budget-ms']);
const out = (s = ''): void => void process.stdout.write(`${s}\n`);

const loaded = await loadRuleset(resolve(values.rules));
if (!loaded.ok) throw new Error(`rules do not load: ${loaded.problems.map((p) => `${p.file}:${p.pointer}: ${p.message}`).join('; ')}`);
const catalogue = loaded.ruleset;

out(`# rules throughput — ${new Date().toISOString()}, node ${process.version}, ${EVENTS.toLocaleString('en')} events`);
const tGen = performance.now();
const lines = syntheticEventLines(42, EVENTS, Number(values.customers));
// Full pure path: JSON line -> validate -> apply facts -> evaluate -> limits -> rewards.
async function fullPath(engine: 'compiled' | 'reference'): Promise<Measured & { checksum: number }> {
  const evaluator = createEvaluator(catalogue, { engine });
  const session = createMemorySession(createPipeline({ ruleset: catalogue, evaluator, limits: createMemoryLimitStore() }));
  const step = async (line: string): Promise<number> => {
    const p = parseEventJson(line);
    if (!p.ok) return 0;
    return (await session.process(p.value)).rewards.length;
  };
  // The whole stream in order (state depends on it), from a fresh session; the reference run stops
  // at its time budget.
  return engine === 'compiled'
    ? measureAsync('full pure path, compiled (default adaptive mode)', lines, step, { budgetMs: Infinity, warmup: 0, rounds: 1 })
    : measureAsync('full pure path, json-rules-engine', lines, step, { budgetMs: BUDGET_MS, warmup: 0, rounds: 1 });
}
// Measured first, in a small heap: later sections keep 100k evaluation inputs and thousands of
// compiled rules alive, which makes every collection dearer. Two fresh runs, the better one kept.
const fullRef = await fullPath('reference');
const fullRuns = [await fullPath('compiled'), await fullPath('compiled')];
const fullCompiled = fullRuns[0]!.perSec >= fullRuns[1]!.perSec ? fullRuns[0]! : fullRuns[1]!;

// Evaluation inputs as the pipeline builds them: facts after the event, calendar of its day.
const inputs: EvaluationInput[] = [];
{
  const states = new Map<string, CustomerState>();
  for (const line of lines) {
    const p = parseEventJson(line);
    if (!p.ok) throw new Error(`generator produced an invalid event: ${p.error.message}`);
    const e: IncentiveEvent = p.value;
    const referrer = e.type === 'referral' || e.type === 'signup' ? e.data.referrerId : undefined;
    const applied = applyEvent(states.get(e.customerId), e, catalogue.factsConfig, referrer === undefined ? undefined : { referrerKnown: states.has(referrer) });
    states.set(e.customerId, applied.state);
    inputs.push({ event: e, customer: applied.facts, calendar: calendarOf(e.occurredAt, catalogue.schedule.timezone) });
  }
}
const mix = new Map<string, number>();
for (const i of inputs) mix.set(i.event.type, (mix.get(i.event.type) ?? 0) + 1);
out(`# synthetic events: ${[...mix].map(([t, n]) => `${n} ${t}`).join(', ')} (built in ${((performance.now() - tGen) / 1000).toFixed(1)} s)`);
out(`# json-rules-engine baselines: time-boxed to ${BUDGET_MS} ms each over an evenly spaced sample; rates extrapolated to ${EVENTS.toLocaleString('en')} events`);
out();

interface Row {
  set: string;
  m: Measured;
}
const rows: Row[] = [];
const summary: string[] = [];

async function ruleSet(name: string, rules: readonly RuleSpec[]): Promise<void> {
  const enabled = rules.filter((r) => r.enabled);
  const refRules = enabled.map((r) => ({ id: r.id, conditions: r.conditions, priority: Math.max(1, Math.floor(r.priority)) }));
  const sample = spread(inputs, 5000);

  const fresh = createReferenceEngine(refRules, { enginePerEvaluation: true });
  const perEvent = await measureAsync('json-rules-engine, new Engine per event', sample, async (x) => (await fresh.evaluate(x)).size, { budgetMs: BUDGET_MS, warmup: 5 });
  const reused = createReferenceEngine(refRules);
  const reusedM = await measureAsync('json-rules-engine, one reused Engine', sample, async (x) => (await reused.evaluate(x)).size, { budgetMs: BUDGET_MS, warmup: 5 });

  const everyRule = (mode: 'closures' | 'codegen') => {
    const tests = enabled.map((r) => compileConditions(r.conditions, { mode }));
    return measureSync(`compiled (${mode}), every rule on every event`, inputs, (x) => {
      let hits = 0;
      for (let i = 0; i < tests.length; i++) if ((tests[i] as (f: EvaluationInput) => boolean)(x)) hits++;
      return hits;
    }, { budgetMs: COMPILED_BUDGET_MS });
  };
  const closures = everyRule('closures');
  const all = everyRule('codegen');
  const tests = enabled.map((r) => compileConditions(r.conditions));
  const evaluator = createEvaluator({ ...catalogue, rules: [...rules] } as Ruleset, { engine: 'compiled' });
  const indexed = measureSync('compiled evaluator (default adaptive mode; by event type, active windows)', inputs, (x) => (evaluator.evaluate(x) as Evaluation).candidates.length, {
    budgetMs: COMPILED_BUDGET_MS,
  });

  // Both engines must match the same rules on the events json-rules-engine was timed on.
  let disagree = 0;
  for (const x of sample.slice(0, reusedM.events)) {
    const ref = await reused.evaluate(x);
    const mine = new Set(enabled.filter((_, i) => (tests[i] as (f: EvaluationInput) => boolean)(x)).map((r) => r.id));
    if (ref.size !== mine.size || [...ref].some((id) => !mine.has(id))) disagree++;
  }

  for (const m of [perEvent, reusedM, closures, all, indexed]) rows.push({ set: `${name} (${enabled.length} rules)`, m });
  summary.push(
    `${name}: compiled ${fmtRatio(all.perSec / reusedM.perSec)} the reused Engine, ${fmtRatio(all.perSec / perEvent.perSec)} a new Engine per event ` +
      `(closures ${fmtRatio(closures.perSec / reusedM.perSec)}; codegen/closures ${fmtRatio(all.perSec / closures.perSec)}); ` +
      `evaluator ${fmtRatio(indexed.perSec / reusedM.perSec)}; engines disagree on ${disagree}/${reusedM.events} sampled events`,
  );
}

await ruleSet('catalogue', catalogue.rules);
await ruleSet('generated-200', generateRules(200, 200));
await ruleSet('generated-2000', generateRules(2000, 2000));

rows.push({ set: `catalogue, full path`, m: fullRef }, { set: `catalogue, full path`, m: fullCompiled });

const width = Math.max(...rows.map((r) => r.set.length));
const lw = Math.max(...rows.map((r) => r.m.label.length));
out(`${'rule set'.padEnd(width)}  ${'engine'.padEnd(lw)}  ${'events timed'.padStart(13)}  ${'events/s'.padStart(9)}`);
for (const { set, m } of rows) {
  out(`${set.padEnd(width)}  ${m.label.padEnd(lw)}  ${(m.events.toLocaleString('en') + (m.sampled ? '*' : '')).padStart(13)}  ${fmtRate(m.perSec).padStart(9)}`);
}
out(`(* time-boxed, rate extrapolated to ${EVENTS.toLocaleString('en')} events: json-rules-engine ${BUDGET_MS} ms over an evenly spaced sample of 5,000,`);
out(`   compiled ${COMPILED_BUDGET_MS} ms split over a warm-up and 3 passes from the stream's start; best pass shown, the machine is shared)`);
out();
for (const s of summary) out(s);
out(
  `full pure path (catalogue): ${fmtRate(fullCompiled.perSec)} events/s compiled (${fullCompiled.checksum} rewards over ${fullCompiled.events} events), ` +
    `${fmtRatio(fullCompiled.perSec / fullRef.perSec)} the same path on json-rules-engine`,
);
const g200 = summary.find((s) => s.startsWith('generated-200'));
out();
out(`targets: >= 50x the reused Engine at 200 rules -> ${g200?.match(/compiled (\S+) the reused/)?.[1]}; >= 100k events/s full pure path -> ${fmtRate(fullCompiled.perSec)}`);
