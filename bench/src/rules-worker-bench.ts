// Rules-worker benchmark (issue 4). All in one run, on the real broker and Redis, so the ratios
// compare like with like on a shared, noisy machine:
//   (a) passthrough: kafkajs eachBatch -> sendBatch, no work (the ceiling)
//   (b) naive: eachMessage, an awaited Redis call per command, an awaited send per reward
//   (c) the rules worker (services/rules-engine), shipped rule catalogue
// Drains a pre-loaded topic (BENCH_EVENTS, default 200k, Zipf-distributed customers) with each, in
// its own process; reports events/s, CPU-seconds per 1k events (the variant's process, and Redis
// server CPU separately), then runs (c) at 50% of its measured peak rate and reports p50/p99 latency
// from produce time to the reward's broker append (LogAppendTime = acknowledgement).
//
//   export $(bash scripts/stack env) && node --conditions=source --import tsx bench/src/rules-worker-bench.ts
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Redis } from 'ioredis';
import { benchEvents, type BenchEvent } from './rules-worker-workload.js';

const REPO = resolve(import.meta.dirname, '../..');
const env = process.env;
const N = Number(env.BENCH_EVENTS ?? 200_000);
const NAIVE_MAX = Number(env.BENCH_NAIVE_EVENTS ?? 5_000);
const PARTITIONS = Number(env.BENCH_PARTITIONS ?? 6);
const LATENCY_SECONDS = Number(env.BENCH_LATENCY_SECONDS ?? 15);
const brokers = env.KAFKA_BROKERS!;
const redisUrl = env.REDIS_URL!;
const rulesDir = resolve(REPO, env.BENCH_RULES ?? 'rules');
const runId = `bench-rw-${Date.now().toString(36)}`;

const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'bench-rules-worker', logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const redis = new Redis(redisUrl);
const createdTopics: string[] = [];
const redisPrefixes: string[] = [];

async function createTopics(topics: string[], configEntries: { name: string; value: string }[] = []): Promise<void> {
  await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1, configEntries })) });
  createdTopics.push(...topics);
}

async function redisCpuSeconds(): Promise<number> {
  const info = await redis.info('cpu');
  const get = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return get('used_cpu_user') + get('used_cpu_sys');
}

function toMessage(e: BenchEvent) {
  return { key: e.customerId, value: JSON.stringify(e) };
}

async function preload(producer: Producer, topic: string): Promise<void> {
  let batch: ReturnType<typeof toMessage>[] = [];
  const inFlight: Promise<unknown>[] = [];
  for (const e of benchEvents(N)) {
    batch.push(toMessage(e));
    if (batch.length === 2_000) {
      inFlight.push(producer.send({ topic, acks: -1, messages: batch }));
      batch = [];
      if (inFlight.length >= 4) await Promise.all(inFlight.splice(0));
    }
  }
  if (batch.length > 0) inFlight.push(producer.send({ topic, acks: -1, messages: batch }));
  await Promise.all(inFlight);
}

interface VariantResult {
  mode: string;
  events: number;
  elapsedMs: number;
  cpuMs: number;
  redisCpuMs: number;
}

async function runVariant(mode: string, vars: Record<string, string>, onReady?: () => void): Promise<VariantResult> {
  const redisBefore = await redisCpuSeconds();
  const profile = env.BENCH_PROFILE_DIR && mode === env.BENCH_PROFILE_MODE ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, '--conditions=source', '--import', 'tsx', resolve(REPO, 'bench/src/rules-worker-variant.ts'), mode], {
    cwd: REPO,
    env: { ...env, ...vars },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (onReady && out.includes('{"ready":true}')) {
      onReady();
      onReady = undefined;
    }
  });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  const line = out.trim().split('\n').find((l) => l.startsWith('{"mode"'));
  if (code !== 0 || !line) throw new Error(`variant ${mode} failed (exit ${code}): ${out.slice(-2000)}`);
  const result = JSON.parse(line) as Omit<VariantResult, 'redisCpuMs'>;
  return { ...result, redisCpuMs: ((await redisCpuSeconds()) - redisBefore) * 1000 };
}

async function deleteRedisPrefix(prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

try {
  // ---- throughput: one pre-loaded topic, three variants
  const prefix = `${runId}.`;
  const input = `${prefix}incentive.events`;
  await createTopics([input, `${prefix}incentive.rewards`, `${prefix}incentive.events.dlq`, `${prefix}out.passthrough`, `${prefix}out.naive`]);
  // Idempotent: a retried send must not duplicate input, or the variants would drain different counts.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const t0 = performance.now();
  await preload(producer, input);
  console.error(`[bench] preloaded ${N} events into ${input} (${PARTITIONS} partitions) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const common = { KAFKA_BROKERS: brokers, REDIS_URL: redisUrl, BENCH_INPUT: input, BENCH_RULES: rulesDir, TOPIC_PREFIX: prefix };
  const results: VariantResult[] = [];
  for (const [mode, target] of [['passthrough', N], ['naive', Math.min(N, NAIVE_MAX)], ['worker', N]] as const) {
    const redisPrefix = `${runId}-${mode}:`;
    redisPrefixes.push(redisPrefix);
    const r = await runVariant(mode, { ...common, BENCH_TARGET: String(target), BENCH_OUTPUT: `${prefix}out.${mode}`, BENCH_GROUP: `${runId}-${mode}`, BENCH_REDIS_PREFIX: redisPrefix, KAFKA_PARTITIONS_CONCURRENTLY: String(PARTITIONS) });
    results.push(r);
    console.error(`[bench] ${mode}: ${r.events} events in ${(r.elapsedMs / 1000).toFixed(2)} s`);
    await deleteRedisPrefix(redisPrefix);
  }

  // ---- latency at 50% of (c)'s peak rate
  const worker = results.find((r) => r.mode === 'worker')!;
  const peak = worker.events / (worker.elapsedMs / 1000);
  const rate = Math.max(100, Math.floor(peak / 2));
  const lprefix = `${runId}-lat.`;
  await createTopics([`${lprefix}incentive.events`, `${lprefix}incentive.events.dlq`]);
  await createTopics([`${lprefix}incentive.rewards`], [{ name: 'message.timestamp.type', value: 'LogAppendTime' }]);
  const total = rate * LATENCY_SECONDS;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const rewardsConsumer = kafka.consumer({ groupId: `${runId}-lat-reader`, maxWaitTimeInMs: 100 });
  await rewardsConsumer.connect();
  await rewardsConsumer.subscribe({ topics: [`${lprefix}incentive.rewards`], fromBeginning: true });
  const seenSources = new Set<string>();
  await rewardsConsumer.run({
    eachMessage: async ({ message }) => {
      const source = /"sourceEventId":"([^"]+)"/.exec(message.value!.toString())?.[1] ?? '';
      if (seenSources.has(source)) return;
      seenSources.add(source);
      const sent = sentAt.get(source);
      if (sent !== undefined) latencies.push(Number(message.timestamp) - sent);
    },
  });
  const lredisPrefix = `${runId}-lat:`;
  redisPrefixes.push(lredisPrefix);
  let ready!: () => void;
  const joined = new Promise<void>((r) => (ready = r));
  const latencyRun = runVariant('worker', {
    ...common,
    TOPIC_PREFIX: lprefix,
    BENCH_INPUT: `${lprefix}incentive.events`,
    BENCH_TARGET: String(total),
    BENCH_GROUP: `${runId}-lat`,
    BENCH_REDIS_PREFIX: lredisPrefix,
    KAFKA_PARTITIONS_CONCURRENTLY: String(PARTITIONS),
  }, () => ready());
  // Load starts once the worker joined its group; then a steady rate in 10 ms ticks.
  await joined;
  const gen = benchEvents(total, { idPrefix: 'lat', seed: 11 });
  const start = performance.now();
  let sent = 0;
  const pending: Promise<unknown>[] = [];
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    const messages = [];
    for (; sent < due; sent++) {
      const e = gen.next().value as BenchEvent;
      messages.push(toMessage(e));
      sentAt.set(e.id, Date.now());
    }
    if (messages.length > 0) pending.push(producer.send({ topic: `${lprefix}incentive.events`, acks: -1, messages }));
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.all(pending);
  const lat = await latencyRun;
  // The worker is done with every event; wait until the reader has seen the rewards it produced.
  const deadline = Date.now() + 15_000;
  let last = -1;
  while (latencies.length !== last && Date.now() < deadline) {
    last = latencies.length;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  await rewardsConsumer.disconnect();
  await producer.disconnect();
  latencies.sort((a, b) => a - b);

  // ---- report
  const by = (m: string) => results.find((r) => r.mode === m)!;
  const rateOf = (r: VariantResult) => r.events / (r.elapsedMs / 1000);
  const row = (r: VariantResult) =>
    `| ${r.mode} | ${r.events} | ${rateOf(r).toFixed(0)} | ${((r.cpuMs / 1000 / r.events) * 1000).toFixed(3)} | ${((r.redisCpuMs / 1000 / r.events) * 1000).toFixed(3)} |`;
  const lines = [
    `rules-worker benchmark, ${new Date().toISOString()}, ${N} events, ${PARTITIONS} partitions, Zipf customers, rules: ${rulesDir}`,
    '',
    '| variant | events | events/s | CPU s / 1k events (process) | Redis CPU s / 1k events |',
    '| --- | --- | --- | --- | --- |',
    row(by('passthrough')),
    row(by('naive')),
    row(by('worker')),
    '',
    `worker / passthrough = ${(rateOf(by('worker')) / rateOf(by('passthrough'))).toFixed(2)}  (target >= 0.5)`,
    `worker / naive       = ${(rateOf(by('worker')) / rateOf(by('naive'))).toFixed(1)}x (target >= 10x)`,
    `latency at ${rate} events/s (50% of the worker's ${peak.toFixed(0)} events/s peak), ${latencies.length} rewarded events, produce -> reward append:` +
      ` p50 ${pct(latencies, 50)} ms, p99 ${pct(latencies, 99)} ms, max ${latencies[latencies.length - 1]} ms (target p99 <= 100 ms); worker drained ${lat.events} events`,
  ];
  console.log(lines.join('\n'));
} finally {
  if (createdTopics.length > 0) await admin.deleteTopics({ topics: createdTopics }).catch(() => undefined);
  for (const p of redisPrefixes) await deleteRedisPrefix(p).catch(() => undefined);
  await admin.disconnect();
  redis.disconnect();
}
