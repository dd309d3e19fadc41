// Rules throughput: compiled conditions vs json-rules-engine (new Engine per event, and one reused
// Engine holding all rules), for the shipped catalogue and 200 / 2000 generated rules, plus the
// full pure path (validate, apply facts, evaluate, limits, rewards). All baselines are measured in
// the same run; json-rules-engine is timed over a time-boxed, evenly spaced sample of the events
// and its rate extrapolated (said so in the output).
//
//   pnpm --filter @incentive/bench rules [-- --events 100000 --budget-ms 3000 --rules ../rules --rounds 5]
//   pnpm --filter @incentive/bench rules -- --full-path-only      # the full pure path and its baselines only

import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseEvent, parseEventJson } from '@incentive/events';
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
import { fmtRate, fmtRatio, measureAsync, measureSync, median, spread } from './lib/measure.js';
import type { Measured } from './lib/measure.js';
import { syntheticEventLines } from './lib/synthetic-events.js';

// `pnpm --filter @incentive/bench rules -- --flag` passes the `--` through; parseArgs would take it
// as the end of options.
const { values } = parseArgs({
  args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')),
  options: {
    events: { type: 'string', default: '100000' },
    customers: { type: 'string', default: '6000' },
    'budget-ms': { type: 'string', default: '3000' },
    'compiled-budget-ms': { type: 'string', default: '12000' },
    rules: { type: 'string', default: fileURLToPath(new URL('../../rules', import.meta.url)) },
    /** Timed passes of each full-path variant. */
    rounds: { type: 'string', default: '5' },
    /** Only the full pure path section (about a minute). */
    'full-path-only': { type: 'boolean', default: false },
  },
});
const EVENTS = Number(values.events);
const BUDGET_MS = Number(values['budget-ms']);
const COMPILED_BUDGET_MS = Number(values['compiled-budget-ms']);
const out = (s = ''): void => void process.stdout.write(`${s}\n`);

const loaded = await loadRuleset(resolve(values.rules));
if (!loaded.ok) throw new Error(`rules do not load: ${loaded.problems.map((p) => `${p.file}:${p.pointer}: ${p.message}`).join('; ')}`);
const catalogue = loaded.ruleset;

// ---------------------------------------------------------------------------------------------
// Full pure path: JSON line -> parseEventJson (validate) -> createMemorySession(createPipeline(...))
// (apply facts, evaluate, limits, rewards): the code `incentive simulate` runs per line and the
// rules worker runs per Kafka message (minus Redis). Every pass replays the whole stream in order
// from empty state. Measured first, in a small heap (later sections keep 100k evaluation inputs and
// thousands of compiled rules alive), after one untimed warm-up pass of every variant (a worker is
// a long-running process: JIT-optimised, every rule's condition tiered up), with a full GC before
// each timed pass. Variants run interleaved round by round so that load changes hit all of them;
// ratios are taken within a round, then the median across rounds is reported. CPU time (this
// process, all threads, GC included) is reported next to wall time: on a shared machine wall time
// also counts the time other processes held the cores.

interface PassResult {
  wallMs: number;
  cpuMs: number;
  gcMs: number;
  checksum: number;
}

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });
setFlagsFromString('--expose-gc');
const fullGc = runInNewContext('gc') as () => void;

async function timePass(fn: () => Promise<number> | number): Promise<PassResult> {
  fullGc();
  await new Promise((r) => setTimeout(r, 10)); // the observer reports the forced collection before g0
  const g0 = gcMs;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const checksum = await fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  await new Promise((r) => setTimeout(r, 10)); // let the gc observer report the collections of this pass
  return { wallMs, cpuMs: (c.user + c.system) / 1000, gcMs: gcMs - g0, checksum };
}

async function fullPathSection(ruleset: Ruleset, lines: readonly string[], rounds: number): Promise<{ text: string[]; perSec: number; rewards: number }> {
  const objects = lines.map((l) => JSON.parse(l) as unknown);
  const session = () => createMemorySession(createPipeline({ ruleset, evaluator: createEvaluator(ruleset), limits: createMemoryLimitStore() }));
  const variants: { key: string; label: string; run: () => Promise<number> | number }[] = [
    {
      key: 'json',
      label: 'baseline: JSON.parse of each line only',
      run: () => {
        let n = 0;
        for (const l of lines) if ((JSON.parse(l) as { id?: unknown }).id !== undefined) n++;
        return n;
      },
    },
    {
      key: 'validate',
      label: 'baseline: parseEventJson (JSON.parse + validate)',
      run: () => {
        let n = 0;
        for (const l of lines) if (parseEventJson(l).ok) n++;
        return n;
      },
    },
    {
      key: 'facts',
      label: 'baseline: parseEventJson + applyEvent (facts only)',
      run: () => {
        const states = new Map<string, CustomerState>();
        for (const l of lines) {
          const p = parseEventJson(l);
          if (!p.ok) continue;
          const e = p.value;
          const referrer = e.type === 'referral' || e.type === 'signup' ? e.data.referrerId : undefined;
          const r = applyEvent(states.get(e.customerId), e, ruleset.factsConfig, referrer === undefined ? undefined : { referrerKnown: states.has(referrer) });
          states.set(e.customerId, r.state);
          for (const d of r.derived) states.set(d.customerId, applyEvent(states.get(d.customerId), d, ruleset.factsConfig).state);
        }
        return states.size;
      },
    },
    {
      key: 'full',
      label: 'FULL PATH from a JSON line: parseEventJson -> session.process',
      run: async () => {
        const s = session();
        let rewards = 0;
        for (const l of lines) {
          const p = parseEventJson(l);
          if (!p.ok) continue;
          // What simulate does: await only when a step had to (an async limit store or evaluator).
          const out = s.process(p.value);
          rewards += (out instanceof Promise ? await out : out).rewards.length;
        }
        return rewards;
      },
    },
    // Its own loop, not a shared helper with the row above: one shared function would see both
    // input shapes at its call sites and measure polymorphic code for both rows.
    {
      key: 'fullObj',
      label: 'full path from a parsed object: parseEvent -> session.process',
      run: async () => {
        const s = session();
        let rewards = 0;
        for (const o of objects) {
          const p = parseEvent(o);
          if (!p.ok) continue;
          // What simulate does: await only when a step had to (an async limit store or evaluator).
          const out = s.process(p.value);
          rewards += (out instanceof Promise ? await out : out).rewards.length;
        }
        return rewards;
      },
    },
  ];
  const full = variants.find((v) => v.key === 'full') as (typeof variants)[number];
  const cold = await timePass(full.run);
  for (const v of variants) if (v !== full) await v.run(); // warm-up
  const results = new Map<string, PassResult[]>(variants.map((v) => [v.key, []]));
  for (let r = 0; r < rounds; r++) {
    // Rotate the order so that no variant always runs right after the same one.
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(i + r) % variants.length] as (typeof variants)[number];
      results.get(v.key)?.push(await timePass(v.run));
    }
  }
  const n = lines.length;
  const rate = (p: PassResult, cpu: boolean): number => (n / (cpu ? p.cpuMs : p.wallMs)) * 1000;
  const of = (key: string): PassResult[] => results.get(key) ?? [];
  const lw = Math.max(...variants.map((v) => v.label.length));
  const text: string[] = [];
  text.push(`${'full path and its baselines (whole stream per pass)'.padEnd(lw)}  ${'wall median'.padStart(11)}  ${'wall best'.padStart(9)}  ${'CPU median'.padStart(10)}  ${'GC/wall'.padStart(7)}`);
  for (const v of variants) {
    const ps = of(v.key);
    text.push(
      `${v.label.padEnd(lw)}  ${fmtRate(median(ps.map((p) => rate(p, false)))).padStart(11)}  ${fmtRate(Math.max(...ps.map((p) => rate(p, false)))).padStart(9)}  ` +
        `${fmtRate(median(ps.map((p) => rate(p, true)))).padStart(10)}  ${`${Math.round(median(ps.map((p) => (100 * p.gcMs) / p.wallMs)))}%`.padStart(7)}`,
    );
  }
  const fullRuns = of('full');
  // Per round: how many times longer the full path takes than a baseline over the same lines.
  const ratio = (key: string, cpu: boolean): string => {
    const base = of(key);
    return median(fullRuns.map((p, i) => (cpu ? p.cpuMs / (base[i] as PassResult).cpuMs : p.wallMs / (base[i] as PassResult).wallMs))).toFixed(2);
  };
  text.push(
    `full path (JSON line -> rewards): ${fmtRate(median(fullRuns.map((p) => rate(p, false))))} events/s wall (median of ${rounds} passes; best ` +
      `${fmtRate(Math.max(...fullRuns.map((p) => rate(p, false))))}), ${fmtRate(median(fullRuns.map((p) => rate(p, true))))} events per CPU second; ` +
      `${(fullRuns[0] as PassResult).checksum} rewards over ${n} lines`,
  );
  text.push(
    `  takes ${ratio('json', false)}x the time of bare JSON.parse of the same lines (CPU ${ratio('json', true)}x), ${ratio('validate', false)}x parseEventJson ` +
      `(CPU ${ratio('validate', true)}x), ${ratio('facts', false)}x parse + applyEvent (CPU ${ratio('facts', true)}x)`,
  );
  text.push(`  cold first pass (fresh process: JIT and rule tier-up included): ${fmtRate(rate(cold, false))} events/s wall, ${fmtRate(rate(cold, true))} per CPU second`);
  return { text, perSec: median(fullRuns.map((p) => rate(p, false))), rewards: (fullRuns[0] as PassResult).checksum };
}

out(`# rules throughput — ${new Date().toISOString()}, node ${process.version}, ${EVENTS.toLocaleString('en')} events`);
const lines = syntheticEventLines(42, EVENTS, Number(values.customers));
const { text: fullPathText, perSec: fullPathRate, rewards: fullPathRewards } = await fullPathSection(catalogue, lines, Number(values.rounds));
for (const line of fullPathText) out(line);
out();
if (values['full-path-only']) process.exit(0);

// json-rules-engine through the same full path, cold and time-boxed from the stream's start (so the
// ratio below flatters it slightly: early events meet small states), for the engine ratio.
const fullRef = await (async () => {
  const session = createMemorySession(createPipeline({ ruleset: catalogue, evaluator: createEvaluator(catalogue, { engine: 'reference' }), limits: createMemoryLimitStore() }));
  const step = async (line: string): Promise<number> => {
    const p = parseEventJson(line);
    return p.ok ? (await session.process(p.value)).rewards.length : 0;
  };
  return measureAsync('full pure path, json-rules-engine', lines, step, { budgetMs: BUDGET_MS, warmup: 0, rounds: 1 });
})();
const fullCompiled = { ...fullRef, label: 'full pure path, compiled (median warm pass, see above)', events: lines.length, sampled: false, perSec: fullPathRate, checksum: fullPathRewards };

// Evaluation inputs as the pipeline builds them: facts after the event, calendar of its day.
const tInputs = performance.now();
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
out(`# synthetic events: ${[...mix].map(([t, n]) => `${n} ${t}`).join(', ')} (evaluation inputs built in ${((performance.now() - tInputs) / 1000).toFixed(1)} s)`);
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
    `${fmtRatio(fullCompiled.perSec / fullRef.perSec)} the same path on json-rules-engine (cold, first ${fullRef.events} events)`,
);
const g200 = summary.find((s) => s.startsWith('generated-200'));
out();
out(`targets: >= 50x the reused Engine at 200 rules -> ${g200?.match(/compiled (\S+) the reused/)?.[1]}; >= 100k events/s full pure path -> ${fmtRate(fullCompiled.perSec)}`);
