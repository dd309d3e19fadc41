// Throughput of the facts reducer, reported as ratios against baselines measured in the same run
// (the machine is shared and noisy, so absolute numbers mean little):
//   - json-roundtrip: JSON.stringify + JSON.parse of the customer state per event, which the Redis
//     worker pays anyway; the reducer should cost less than storing its own output.
//   - Date.parse vs parseInstant for the RFC 3339 parse done on every event.
// Run: node --conditions=source --import tsx packages/facts/bench/apply-event.bench.ts [events]
import type { IncentiveEvent } from '@incentive/events';
import { applyEvent, calendarOf, clockEventsForTick, createClockPlanner, midnightsBetween, parseInstant, type CustomerFacts, type CustomerState, type FactsConfig } from '@incentive/facts';

const N = Number(process.argv[2] ?? 200_000);
const CUSTOMERS = 2_000;

const config: FactsConfig = {
  tiers: [
    { id: 'bronze', minSpend12m: 0 },
    { id: 'silver', minSpend12m: 200 },
    { id: 'gold', minSpend12m: 500 },
    { id: 'platinum', minSpend12m: 1000 },
  ],
  classifySegment: (f: CustomerFacts) =>
    f.orders === 0 ? 'new' : (f.daysSinceLastPurchase ?? 0) >= 90 ? 'churned' : f.spend12m >= 1000 ? 'high-value' : f.orders <= 2 ? 'potential' : 'regular',
};

// Deterministic workload: a year of events, 85% purchases, 5% refunds, 5% signups, 5% clock ticks.
let seed = 42;
function rnd(): number {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const start = Date.parse('2026-01-01T00:00:00Z');
const events: IncentiveEvent[] = [];
for (let i = 0; i < N; i++) {
  const customerId = `c${Math.floor(rnd() * CUSTOMERS)}`;
  const occurredAt = new Date(start + Math.floor((i / N) * 365 * 86_400_000)).toISOString().replace('.000Z', '+01:00');
  const r = rnd();
  const id = `e${i}`;
  if (r < 0.85) events.push({ id, type: 'purchase', customerId, occurredAt, data: { orderId: id, amount: Math.round(rnd() * 20000) / 100, currency: 'EUR' } });
  else if (r < 0.9) events.push({ id, type: 'refund', customerId, occurredAt, data: { orderId: id, amount: 5, currency: 'EUR' } });
  else if (r < 0.95) events.push({ id, type: 'signup', customerId, occurredAt, data: { birthday: '--07-14', country: 'DE' } });
  else events.push({ id, type: 'birthday', customerId, occurredAt, data: { monthDay: '07-14', year: 2026 } });
}

function timeIt(label: string, fn: () => number): number {
  fn(); // warm-up
  const t = process.hrtime.bigint();
  const check = fn();
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  const rate = N / seconds;
  console.log(`${label.padEnd(34)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} events/s  (check ${check})`);
  return rate;
}

const reducer = timeIt('applyEvent', () => {
  const states = new Map<string, CustomerState>();
  let n = 0;
  for (const e of events) {
    const r = applyEvent(states.get(e.customerId), e, config, { referrerKnown: true });
    states.set(e.customerId, r.state);
    n += r.facts.orders12m;
  }
  return n;
});

const withCalendar = timeIt('applyEvent + calendarOf(Berlin)', () => {
  const states = new Map<string, CustomerState>();
  let n = 0;
  for (const e of events) {
    const r = applyEvent(states.get(e.customerId), e, config, { referrerKnown: true });
    states.set(e.customerId, r.state);
    n += calendarOf(e.occurredAt, 'Europe/Berlin').weekday;
  }
  return n;
});

// Baseline: states as the worker would load/store them (JSON), with the reducer's own states.
const finalStates = new Map<string, CustomerState>();
for (const e of events) finalStates.set(e.customerId, applyEvent(finalStates.get(e.customerId), e, config).state);
const json = timeIt('baseline: JSON round-trip of state', () => {
  let n = 0;
  for (const e of events) n += (JSON.parse(JSON.stringify(finalStates.get(e.customerId))) as CustomerState).orders;
  return n;
});

const fast = timeIt('parseInstant', () => {
  let n = 0;
  for (const e of events) n += parseInstant(e.occurredAt) % 7;
  return n;
});
const slow = timeIt('baseline: Date.parse', () => {
  let n = 0;
  for (const e of events) n += Date.parse(e.occurredAt) % 7;
  return n;
});

// Clock: a year of daily ticks over the final states, indexed planner vs scanning every customer.
const schedule = { timezone: 'Europe/Berlin', inactivityDays: [30, 60, 90] };
const ticks = midnightsBetween('2026-12-31T00:00:00Z', '2027-12-31T00:00:00Z', schedule.timezone).map((m) => m.date);
function timeTicks(label: string, fn: () => number): { seconds: number; events: number } {
  const t = process.hrtime.bigint();
  const events = fn();
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(`${label.padEnd(34)} ${(seconds * 1000).toFixed(1).padStart(12)} ms for ${ticks.length} ticks x ${finalStates.size} customers (events ${events})`);
  return { seconds, events };
}
const planned = timeTicks('createClockPlanner.dueAt', () => {
  const planner = createClockPlanner(schedule);
  for (const [id, st] of finalStates) planner.track(id, st);
  planner.dueAt('2026-12-31'); // catches up thresholds due before the first tick; the scan has no such step
  let n = 0;
  for (const d of ticks) n += planner.dueAt(d).length;
  return n;
});
const scanned = timeTicks('baseline: clockEventsForTick scan', () => {
  let n = 0;
  for (const d of ticks) for (const st of finalStates.values()) n += clockEventsForTick(st, d, schedule).length;
  return n;
});

if (planned.events !== scanned.events) throw new Error(`planner and scan disagree: ${planned.events} vs ${scanned.events}`);

console.log(`\nratios: applyEvent / JSON round-trip = ${(reducer / json).toFixed(2)}x, with calendar = ${(withCalendar / json).toFixed(2)}x, parseInstant / Date.parse = ${(fast / slow).toFixed(2)}x, planner speed-up over scan = ${(scanned.seconds / planned.seconds).toFixed(1)}x`);
