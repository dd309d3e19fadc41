// State writes of the rules worker's facts store, against the real Redis: customers who have bought
// on every day of the trailing window (BENCH_WINDOW_DAYS, default 300) buy once more, and the store
// commits their new states. Two layouts, alternating per round on the same states: (whole) the state
// as one JSON document, as before; (days) the document without the window plus one hash field per
// day, only the changed days written (customer-state-layout.ts). Reports, per commit: client CPU,
// bytes sent to Redis and Redis CPU, and the ratios days / whole from the same run.
//
//   pnpm bench:state-write   (needs the stack: bash scripts/stack up)
import { Redis } from 'ioredis';
import type { IncentiveEvent } from '@incentive/events';
import { applyEvent, parseCustomerState, type CustomerState, type FactsConfig } from '@incentive/facts';
import { createKeyLayout, createRedisFactsStore, customerStateLayout } from '@incentive/rules-engine';
import { median } from './lib/measure.js';
import { deleteRedisPrefix } from './lib/redis-prefix.js';

const env = process.env;
const CUSTOMERS = Number(env.BENCH_CUSTOMERS ?? 2_000);
const WINDOW_DAYS = Number(env.BENCH_WINDOW_DAYS ?? 300);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 5);
/** Customers per commit call, as in a chunk. */
const PER_CALL = 100;
const DAY_MS = 86_400_000;
const START = Date.parse('2026-01-05T12:00:00Z');

const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', { enableAutoPipelining: true, lazyConnect: true });
await redis.connect();
const prefix = `bench-sw-${process.pid}-`;
const config: FactsConfig = { tiers: [], classifySegment: () => 'regular' };
let seq = 0;
const purchase = (state: CustomerState | undefined, customerId: string, day: number) =>
  applyEvent(
    state,
    { id: `e${++seq}`, type: 'purchase', customerId, occurredAt: new Date(START + day * DAY_MS).toISOString(), data: { orderId: `o${seq}`, amount: 12.34, currency: 'GBP' } } as IncentiveEvent,
    config,
  ).state;

async function redisStats(): Promise<{ cpu: number; bytesIn: number }> {
  const info = await redis.info();
  const get = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return { cpu: get('used_cpu_user') + get('used_cpu_sys'), bytesIn: get('total_net_input_bytes') };
}

const ids = Array.from({ length: CUSTOMERS }, (_, i) => `c${i}`);
// Built once: the same window for both layouts.
const initial = new Map<string, CustomerState>();
for (const id of ids) {
  let s: CustomerState | undefined;
  for (let d = 0; d < WINDOW_DAYS; d++) s = purchase(s, id, d);
  initial.set(id, s!);
}

type Variant = 'whole' | 'days';
const stores = Object.fromEntries(
  (['whole', 'days'] as const).map((v) => [
    v,
    createRedisFactsStore<CustomerState>({
      redis,
      keys: createKeyLayout(`${prefix}${v}:`),
      dedupeWindowMs: 7 * DAY_MS,
      decode: parseCustomerState,
      ...(v === 'days' ? { layout: customerStateLayout } : {}),
    }),
  ]),
) as Record<Variant, ReturnType<typeof createRedisFactsStore<CustomerState>>>;
const current: Record<Variant, Map<string, { version: number; state: CustomerState }>> = { whole: new Map(), days: new Map() };

async function commitAll(v: Variant, next: (id: string, s: CustomerState) => CustomerState, base: boolean): Promise<void> {
  for (let i = 0; i < ids.length; i += PER_CALL) {
    const batch = ids.slice(i, i + PER_CALL).map((customerId) => {
      const cur = current[v].get(customerId);
      const state = next(customerId, cur?.state ?? initial.get(customerId)!);
      return { customerId, expectedVersion: cur?.version ?? 0, state, ...(base && cur ? { base: cur.state } : {}), applied: [] };
    });
    const outcome = await stores[v].commit(batch);
    if (outcome.stale.length > 0) throw new Error(`${v}: unexpected stale customers ${outcome.stale.join(',')}`);
    for (const r of batch) current[v].set(r.customerId, { version: (current[v].get(r.customerId)?.version ?? 0) + 1, state: r.state });
  }
}

const rows: Record<Variant, { cpuUs: number; bytes: number; redisUs: number }[]> = { whole: [], days: [] };
try {
  // First write of every state, not measured.
  for (const v of ['whole', 'days'] as const) await commitAll(v, (_, s) => s, false);
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of round % 2 === 0 ? (['whole', 'days'] as const) : (['days', 'whole'] as const)) {
      const day = WINDOW_DAYS + round;
      const r0 = await redisStats();
      const c0 = process.cpuUsage();
      await commitAll(v, (id, s) => purchase(s, id, day), true);
      const c = process.cpuUsage(c0);
      const r1 = await redisStats();
      rows[v].push({ cpuUs: (c.user + c.system) / CUSTOMERS, bytes: (r1.bytesIn - r0.bytesIn) / CUSTOMERS, redisUs: ((r1.cpu - r0.cpu) * 1e6) / CUSTOMERS });
    }
  }
  const med = (v: Variant, k: 'cpuUs' | 'bytes' | 'redisUs') => median(rows[v].map((r) => r[k]));
  console.log(`state writes: ${CUSTOMERS} customers with a ${WINDOW_DAYS}-day window buy once more, ${PER_CALL} customers per commit, median of ${ROUNDS} rounds (alternating)`);
  console.log('| layout | client CPU us / customer | bytes to Redis / customer | Redis CPU us / customer |');
  console.log('| --- | --- | --- | --- |');
  for (const v of ['whole', 'days'] as const) console.log(`| ${v} | ${med(v, 'cpuUs').toFixed(1)} | ${med(v, 'bytes').toFixed(0)} | ${med(v, 'redisUs').toFixed(1)} |`);
  console.log(
    `days / whole: client CPU ${(med('days', 'cpuUs') / med('whole', 'cpuUs')).toFixed(2)}, bytes ${(med('days', 'bytes') / med('whole', 'bytes')).toFixed(2)}, Redis CPU ${(med('days', 'redisUs') / med('whole', 'redisUs')).toFixed(2)}`,
  );
} finally {
  await deleteRedisPrefix(redis, prefix);
  redis.disconnect();
}
