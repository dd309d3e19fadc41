// Throughput of the full pure path (validate, apply facts, evaluate, limits, rewards) with the
// shipped catalogue, against baselines measured in the same run: validate only, and validate +
// applyEvent (facts only). Run: node --conditions=source --import tsx bench/pipeline.bench.ts [events]
import { parseEvent } from '@incentive/events';
import type { CustomerState } from '@incentive/facts';
import { applyEvent } from '@incentive/facts';
import { fileURLToPath } from 'node:url';
import { createEvaluator, createMemoryLimitStore, createPipeline, loadRuleset } from '../src/index.js';

const N = Number(process.argv[2] ?? 100_000);
const CUSTOMERS = 5_000;
const rulesDir = fileURLToPath(new URL('../../../rules', import.meta.url));

function makeEvents(n: number): unknown[] {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const out: unknown[] = [];
  const lastPurchase = new Map<string, string>();
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < n; i++) {
    // Zipf-ish: a few customers buy a lot.
    const c = Math.floor(CUSTOMERS * rand() ** 3);
    const at = new Date(t0 + i * 300_000).toISOString();
    const r = rand();
    const customerId = `c${c}`;
    if (r < 0.85) {
      out.push({ id: `e${i}`, type: 'purchase', customerId, occurredAt: at, data: { orderId: `o${i}`, amount: Math.round(rand() * 60000) / 100, currency: 'GBP' } });
      lastPurchase.set(customerId, at);
    }
    else if (r < 0.9) out.push({ id: `e${i}`, type: 'refund', customerId, occurredAt: at, data: { orderId: `o${i - 1}`, amount: 10, currency: 'GBP' } });
    else if (r < 0.95) out.push({ id: `e${i}`, type: 'signup', customerId, occurredAt: at, data: { birthday: '--06-15' } });
    else {
      const last = lastPurchase.get(customerId);
      if (last) out.push({ id: `e${i}`, type: 'inactivity', customerId, occurredAt: at, data: { days: 30, lastPurchaseAt: last } });
      else out.push({ id: `e${i}`, type: 'birthday', customerId, occurredAt: at, data: { monthDay: at.slice(5, 10), year: 2026 } });
    }
  }
  return out;
}

const loaded = await loadRuleset(rulesDir);
if (!loaded.ok) throw new Error('catalogue does not lint');
const ruleset = loaded.ruleset;
const raw = makeEvents(N);

async function measure(name: string, fn: () => Promise<number>): Promise<number> {
  const start = process.hrtime.bigint();
  const rewards = await fn();
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = N / secs;
  console.log(`${name.padEnd(44)} ${Math.round(rate).toString().padStart(9)} events/s  (${rewards} rewards)`);
  return rate;
}

const validateOnly = () => {
  let ok = 0;
  for (const r of raw) if (parseEvent(r).ok) ok++;
  return Promise.resolve(ok * 0);
};
const factsOnly = () => {
  const states = new Map<string, CustomerState>();
  for (const r of raw) {
    const p = parseEvent(r);
    if (!p.ok) continue;
    const res = applyEvent(states.get(p.value.customerId), p.value, ruleset.factsConfig);
    states.set(p.value.customerId, res.state);
  }
  return Promise.resolve(0);
};
const full = (engine: 'compiled' | 'reference') => async () => {
  const pipeline = createPipeline({ ruleset, evaluator: createEvaluator(ruleset, { engine }), limits: createMemoryLimitStore() });
  const states = new Map<string, CustomerState>();
  let rewards = 0;
  for (const r of raw) {
    const p = parseEvent(r);
    if (!p.ok) continue;
    const res = await pipeline.process(states.get(p.value.customerId), p.value);
    states.set(p.value.customerId, res.state);
    rewards += res.rewards.length;
  }
  return rewards;
};

// Warm up, then measure each path once in the same run.
await full('compiled')();
const v = await measure('validate only', validateOnly);
const f = await measure('validate + applyEvent (facts only)', factsOnly);
const p = await measure('full pipeline, compiled engine', full('compiled'));
const ref = process.argv.includes('--reference') ? await measure('full pipeline, json-rules-engine', full('reference')) : undefined;
console.log(`ratios: full/facts-only ${(p / f).toFixed(2)}, full/validate-only ${(p / v).toFixed(2)}${ref ? `, compiled/reference ${(p / ref).toFixed(1)}x` : ''}`);
