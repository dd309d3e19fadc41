// Throughput of event validation, as ratios against baselines measured in the same run (the
// machine is shared and noisy): JSON.parse alone, and the zod reference schema alone.
// Run: pnpm --filter @incentive/events bench   (BENCH_N=200000 to change the iterations)
import { IncentiveEventSchema, parseEvent, parseEventJson } from '../src/index.js';

const N = Number(process.env.BENCH_N ?? 200_000);

function purchase(i: number, items: number) {
  return {
    id: `bench:purchase:${i}`,
    type: 'purchase',
    customerId: `c${i % 5000}`,
    occurredAt: '2011-06-01T12:00:00+01:00',
    source: 'bench',
    data: {
      orderId: `o${i}`,
      amount: 139.12,
      currency: 'GBP',
      items: Array.from({ length: items }, (_, k) => ({ sku: `SKU${k}`, quantity: 1 + (k % 6), unitPrice: 2.55 })),
      channel: 'online',
    },
  };
}

const events = Array.from({ length: 1000 }, (_, i) => (i % 4 === 0 ? { id: `bench:signup:${i}`, type: 'signup', customerId: `c${i}`, occurredAt: '2011-06-01T12:00:00Z', data: { birthday: '1980-02-29', country: 'United Kingdom' } } : purchase(i, 1 + (i % 20))));
const lines = events.map((e) => JSON.stringify(e));

const variants: [string, (i: number) => unknown][] = [
  ['baseline: JSON.parse', (i) => JSON.parse(lines[i % 1000]!)],
  ['baseline: zod reference safeParse', (i) => IncentiveEventSchema.safeParse(events[i % 1000])],
  ['parseEvent (object)', (i) => parseEvent(events[i % 1000])],
  ['parseEventJson (text)', (i) => parseEventJson(lines[i % 1000]!)],
];

// Interleaved rounds, best round per variant: a neighbour's burst of CPU then hurts every
// variant alike instead of whichever happened to be running.
const ROUNDS = 10;
const best = variants.map(() => 0);
for (let round = -1; round < ROUNDS; round++) {
  variants.forEach(([, fn], v) => {
    const n = Math.ceil(N / ROUNDS);
    const start = performance.now();
    for (let i = 0; i < n; i++) fn(i);
    const perSec = n / ((performance.now() - start) / 1000);
    if (round >= 0) best[v] = Math.max(best[v]!, perSec); // round -1 is the warm-up
  });
}
variants.forEach(([name], v) => {
  process.stdout.write(`${name.padEnd(36)} ${Math.round(best[v]!).toLocaleString('en-GB').padStart(12)} events/s\n`);
});
const [jsonParse, zod, obj, json] = best as [number, number, number, number];

process.stdout.write(
  [
    '',
    `parseEvent / zod reference      ${(obj / zod).toFixed(2)}x`,
    `parseEventJson / JSON.parse     ${(json / jsonParse).toFixed(2)}x  (share of time spent validating: ${(100 * (1 - json / jsonParse)).toFixed(0)}%)`,
    '',
  ].join('\n'),
);
