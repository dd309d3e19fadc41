// Rules-worker benchmark (issue 4). All in one run, on the real broker and Redis, so the ratios
// compare like with like on a shared, noisy machine:
//   (a) passthrough: kafkajs eachBatch -> sendBatch, no work (the ceiling)
//   (b) naive: eachMessage, an awaited Redis call per command, an awaited send per reward
//   (c) the rules worker (services/rules-engine), shipped rule catalogue
// Drains a pre-loaded topic (BENCH_EVENTS, default 200k, Zipf-distributed customers) with each, in
// its own process ((b) time-boxed to BENCH_NAIVE_SECONDS, default 60: it would need minutes; its
// cold-start comparison with (c) on a topic of the first BENCH_NAIVE_EVENTS is reported too); reports events/s, CPU-seconds per 1k events (the variant's process, and Redis
// server CPU separately), then runs (c) at 50% of its measured peak rate and reports p50/p99 latency
// from the event's broker append time (LogAppendTime) to the acknowledgement of its outputs, as the
// worker observes it (BENCH_LATENCY_AT=append: to the reward's broker append, read back by the harness).
//
//   export $(bash scripts/stack env) && node --conditions=source --import tsx bench/src/rules-worker-bench.ts
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';
import { Redis } from 'ioredis';
import { median, percentile } from './lib/measure.js';
import { deleteRedisPrefix } from './lib/redis-prefix.js';
import { benchEvents, type BenchEvent } from './rules-worker-workload.js';

const REPO = resolve(import.meta.dirname, '../..');
const env = process.env;
const N = Number(env.BENCH_EVENTS ?? 200_000);
const NAIVE_MAX = Number(env.BENCH_NAIVE_EVENTS ?? 20_000);
const PARTITIONS = Number(env.BENCH_PARTITIONS ?? 6);
/** Consumer-group members per process, for (a) and (c) alike (the worker's KAFKA_CONSUMERS). */
const MEMBERS = Number(env.BENCH_MEMBERS ?? 3);
/** Rounds of (a) then (c) on the full topic; rates and c/a are reported per round and as medians. */
const ROUNDS = Number(env.BENCH_ROUNDS ?? 3);
const rateOf = (r: VariantResult) => r.events / (r.elapsedMs / 1000);
const LATENCY_SECONDS = Number(env.BENCH_LATENCY_SECONDS ?? 30);
/**
 * The latency worker is a fresh process: the first seconds of load also measure its JIT warm-up and
 * first-use costs (empty state cache, first GCs), and the backlog they leave drains slowly at half
 * load. Load runs this long at the same rate before the measured window; the p99 of the whole run,
 * warm-up included, is reported too. 20 s: after 10 s, the first fifth of the window still showed
 * that backlog (p99 per fifth 225 / 86 / 76 / 70 / 70 ms, run of 2026-11-23 07:46 UTC).
 */
const WARMUP_SECONDS = Number(env.BENCH_LATENCY_WARMUP_SECONDS ?? 20);
/** The naive worker drains the full stream for this long (it would need minutes for all of it). */
const NAIVE_SECONDS = Number(env.BENCH_NAIVE_SECONDS ?? 60);
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
  await admin.createTopics({ waitForLeaders: false, topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1, configEntries })) });
  createdTopics.push(...topics);
  // kafkajs' own leader wait gives up early on a busy broker; poll metadata until every partition has a leader.
  for (let attempt = 0; ; attempt++) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics });
      if (meta.topics.every((t) => t.partitions.length === PARTITIONS && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (attempt > 100) throw err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function redisCpuSeconds(): Promise<number> {
  const info = await redis.info('cpu');
  const get = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return get('used_cpu_user') + get('used_cpu_sys');
}

/** Busy and total CPU time of the whole machine so far (Linux /proc/stat), to report how loaded it was. */
function machineCpu(): { busy: number; total: number } | undefined {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total };
  } catch {
    return undefined;
  }
}

function toMessage(e: BenchEvent) {
  return { key: e.customerId, value: JSON.stringify(e) };
}

async function preload(producer: Producer, topic: string, count: number): Promise<void> {
  let batch: ReturnType<typeof toMessage>[] = [];
  const inFlight: Promise<unknown>[] = [];
  for (const e of benchEvents(count)) {
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
  /** For (a) and (c) on the full topic: which round. */
  round?: number | undefined;
  events: number;
  elapsedMs: number;
  cpuMs: number;
  redisCpuMs: number;
}

/**
 * Compacts Redis' append-only file, so that a rewrite triggered by the previous runs' writes (a
 * forked child that takes a core for about a second) does not land inside the next measured run.
 */
async function compactAof(): Promise<void> {
  const busy = async () => /aof_rewrite_(in_progress|scheduled):1/.test(await redis.info('persistence'));
  if (!/aof_enabled:1/.test(await redis.info('persistence'))) return;
  while (await busy()) await new Promise((r) => setTimeout(r, 100));
  await redis.bgrewriteaof();
  while (await busy()) await new Promise((r) => setTimeout(r, 100));
}

async function runVariant(mode: string, vars: Record<string, string>, onReady?: () => void): Promise<VariantResult> {
  await compactAof();
  const redisBefore = await redisCpuSeconds();
  const profile = env.BENCH_PROFILE_DIR && mode === env.BENCH_PROFILE_MODE ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_PROFILE_DIR}`] : [];
  // The worker runs with its deployment flags (services/rules-engine/README.md: larger young
  // generation, customer states live until their next event); BENCH_WORKER_NODE_FLAGS='' for none.
  const flags = mode === 'worker' ? (env.BENCH_WORKER_NODE_FLAGS ?? '--max-semi-space-size=64').split(' ').filter((f) => f !== '') : [];
  const child = spawn(process.execPath, [...flags, ...profile, '--conditions=source', '--import', 'tsx', resolve(REPO, 'bench/src/rules-worker-variant.ts'), mode], {
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

try {
  // ---- throughput. Topic A: N events for (a) and (c). Topic B: the first NAIVE_MAX events of the same
  // stream, for (b) and (c) again — the naive worker is far too slow to drain A, and comparing it on
  // B with (c) on B keeps the states the same size (they grow along the stream).
  const prefix = `${runId}.`;
  const prefixB = `${runId}-b.`;
  const input = `${prefix}incentive.events`;
  const inputB = `${prefixB}incentive.events`;
  await createTopics([input, `${prefix}incentive.rewards`, `${prefix}incentive.events.dlq`, `${prefix}out.passthrough`, `${prefix}out.naive`]);
  await createTopics([inputB, `${prefixB}incentive.rewards`, `${prefixB}incentive.events.dlq`, `${prefixB}out.naive`]);
  // Idempotent: a retried send must not duplicate input, or the variants would drain different counts.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const t0 = performance.now();
  await preload(producer, input, N);
  await preload(producer, inputB, NAIVE_MAX);
  console.error(`[bench] preloaded ${N} + ${NAIVE_MAX} events (${PARTITIONS} partitions) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const results: VariantResult[] = [];
  // BENCH_VARIANTS=a,c: only those throughput rows (by the label's first word) and, unless it lists
  // `lat`, no latency run: for iterating on one variant. The full report needs every row.
  const only = env.BENCH_VARIANTS?.split(',');
  // BENCH_LATENCY_ONLY=1 (with BENCH_LATENCY_RATE): only the latency part, for looking at tails.
  const latencyOnly = env.BENCH_LATENCY_ONLY === '1' && env.BENCH_LATENCY_RATE !== undefined;
  // (a) and (c) alternate for ROUNDS rounds: load on the shared machine changes within minutes, and a
  // ratio of two rates measured a minute apart moved from 0.28 to 0.50 between two runs.
  const rounds = Array.from({ length: ROUNDS }, (_, k) => [
    { label: 'a passthrough', round: k + 1, mode: 'passthrough', prefix, target: N },
    { label: 'c worker', round: k + 1, mode: 'worker', prefix, target: N },
  ]).flat();
  const runs = latencyOnly ? [] : [
    ...rounds,
    { label: 'b naive', mode: 'naive', prefix, target: N, timeLimitMs: NAIVE_SECONDS * 1000 },
    { label: 'b naive (first part)', mode: 'naive', prefix: prefixB, target: NAIVE_MAX },
    { label: 'c worker (first part)', mode: 'worker', prefix: prefixB, target: NAIVE_MAX },
  ];
  for (const [i, run] of runs.entries()) {
    if (only && !only.includes(run.label.split(' ')[0] as string)) continue;
    const redisPrefix = `${runId}-${i}:`;
    redisPrefixes.push(redisPrefix);
    const r = await runVariant(run.mode, {
      KAFKA_BROKERS: brokers,
      REDIS_URL: redisUrl,
      BENCH_RULES: rulesDir,
      TOPIC_PREFIX: run.prefix,
      BENCH_INPUT: `${run.prefix}incentive.events`,
      BENCH_OUTPUT: `${run.prefix}out.${run.mode}`,
      BENCH_TARGET: String(run.target),
      BENCH_GROUP: `${runId}-${i}`,
      BENCH_REDIS_PREFIX: redisPrefix,
      KAFKA_PARTITIONS_CONCURRENTLY: String(PARTITIONS),
      KAFKA_CONSUMERS: String(MEMBERS),
      BENCH_MEMBERS: String(MEMBERS),
      ...('timeLimitMs' in run ? { BENCH_TIME_LIMIT_MS: String(run.timeLimitMs) } : {}),
    });
    r.mode = run.label;
    r.round = 'round' in run ? run.round : undefined;
    results.push(r);
    console.error(`[bench] ${run.label}${r.round ? ` (round ${r.round})` : ''}: ${r.events} events in ${(r.elapsedMs / 1000).toFixed(2)} s`);
    await deleteRedisPrefix(redis, redisPrefix);
  }
  const common = { KAFKA_BROKERS: brokers, REDIS_URL: redisUrl, BENCH_RULES: rulesDir };

  if (only && !only.includes('lat')) {
    for (const r of results) console.log(`${r.mode}: ${rateOf(r).toFixed(0)} events/s, ${(r.cpuMs / r.events).toFixed(3)} CPU ms/event, Redis ${(r.redisCpuMs / r.events).toFixed(3)}`);
    await cleanup();
    process.exit(0);
  }
  // ---- latency at 50% of (c)'s peak rate (the median of its rounds)
  const workerRuns = results.filter((r) => r.mode === 'c worker');
  const drainCpuPerEvent = workerRuns.length === 0 ? undefined : median(workerRuns.map((r) => r.cpuMs / r.events));
  const peak = workerRuns.length > 0 ? median(workerRuns.map(rateOf)) : Number(env.BENCH_LATENCY_RATE) * 2;
  // BENCH_LATENCY_RATE overrides the rate (to look at latency at other loads); default: half of c's peak.
  const rate = env.BENCH_LATENCY_RATE ? Number(env.BENCH_LATENCY_RATE) : Math.max(100, Math.floor(peak / 2));
  const lprefix = `${runId}-lat.`;
  // Both topics stamp records with the broker's append time, so every latency is taken on one clock
  // and without producer-side queueing.
  await createTopics([`${lprefix}incentive.events.dlq`]);
  await createTopics([`${lprefix}incentive.events`, `${lprefix}incentive.rewards`], [{ name: 'message.timestamp.type', value: 'LogAppendTime' }]);
  const total = rate * (WARMUP_SECONDS + LATENCY_SECONDS);
  const appendedAt = new Map<string, number>();
  // Where a latency ends. `ack` (default): when the worker's send of the event's outputs is
  // acknowledged, as the worker itself observes it (its event-latency metric, kept exactly by the
  // variant). `append`: the reward's append time, read back from the rewards topic by this harness;
  // a little earlier than the ack, but the reader takes a share of the two cores the worker is
  // measured on (~10% of the machine at 5.5k events/s).
  const latencyAt = env.BENCH_LATENCY_AT ?? 'ack';
  if (latencyAt !== 'ack' && latencyAt !== 'append') throw new Error(`BENCH_LATENCY_AT: expected ack or append, got ${latencyAt}`);
  const latencyOut = resolve(tmpdir(), `${runId}-latencies.f64`);
  const rewardAt = new Map<string, number>();
  const SOURCE_FIELD = Buffer.from('"sourceEventId":"');
  const rewardsConsumer = latencyAt === 'append' ? kafka.consumer({ groupId: `${runId}-lat-reader`, maxWaitTimeInMs: 100 }) : undefined;
  if (rewardsConsumer) {
    await rewardsConsumer.connect();
    // Only the rewards are read back: an event's append time comes with the produce acknowledgement
    // (LogAppendTime, one per partition batch), so the harness does not also consume and parse every event.
    await rewardsConsumer.subscribe({ topics: [`${lprefix}incentive.rewards`], fromBeginning: true });
    // eachBatch, not eachMessage: the reader shares the two cores with the worker under test.
    await rewardsConsumer.run({
      partitionsConsumedConcurrently: PARTITIONS,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          // The id is found in the bytes: decoding and matching every reward cost the shared CPU more.
          const value = message.value!;
          const from = value.indexOf(SOURCE_FIELD);
          if (from < 0) continue;
          const start = from + SOURCE_FIELD.length;
          const source = value.toString('latin1', start, value.indexOf(34, start));
          if (!rewardAt.has(source)) rewardAt.set(source, Number(message.timestamp));
        }
      },
    });
  }
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
    // As many group members as in the drain whose rate this run halves.
    KAFKA_CONSUMERS: String(MEMBERS),
    ...(latencyAt === 'ack' ? { BENCH_LATENCY_OUT: latencyOut } : {}),
  }, () => ready());
  // The load is encoded while the worker starts, not while it is measured (the harness shares the
  // CPU with it). Partitions are chosen here with kafkajs' default partitioner, so the
  // acknowledgement's append time of each partition can be given to its messages.
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
  const load: { id: string; key: string; value: Buffer; partition: number }[] = [];
  for (const e of benchEvents(total, { idPrefix: 'lat', seed: 11 })) {
    const m = toMessage(e);
    load.push({ id: e.id, key: m.key, value: Buffer.from(m.value), partition: partitioner({ topic: `${lprefix}incentive.events`, partitionMetadata, message: { key: m.key, value: null } }) });
  }
  // Load starts once the worker joined its group; then a steady rate in 10 ms ticks.
  await joined;
  const loadProducer = kafka.producer();
  await loadProducer.connect();
  const start = performance.now();
  let sent = 0;
  const pending: Promise<unknown>[] = [];
  let cpuAtWindow: ReturnType<typeof machineCpu>;
  while (sent < total) {
    if (cpuAtWindow === undefined && performance.now() - start >= WARMUP_SECONDS * 1000) cpuAtWindow = machineCpu();
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    const messages = load.slice(sent, due);
    sent = Math.max(sent, due);
    if (messages.length > 0) {
      pending.push(
        loadProducer.send({ topic: `${lprefix}incentive.events`, acks: 1, messages }).then((meta) => {
          const at = new Map(meta.map((r) => [r.partition, Number(r.logAppendTime)]));
          for (const m of messages) appendedAt.set(m.id, at.get(m.partition)!);
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const cpuAtEnd = machineCpu();
  const machineBusy = cpuAtWindow && cpuAtEnd ? (cpuAtEnd.busy - cpuAtWindow.busy) / (cpuAtEnd.total - cpuAtWindow.total) : undefined;
  await Promise.all(pending);
  const lat = await latencyRun;
  // (event appended, latency) per event, from either end point (see latencyAt).
  const samples: [appended: number, latency: number][] = [];
  if (rewardsConsumer) {
    // The worker is done with every event; wait until the reader has seen the rewards it produced.
    const deadline = Date.now() + 15_000;
    let last = -1;
    while (rewardAt.size !== last && Date.now() < deadline) {
      last = rewardAt.size;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    await rewardsConsumer.disconnect();
    for (const [source, at] of rewardAt) {
      const appended = appendedAt.get(source);
      if (appended !== undefined) samples.push([appended, at - appended]);
    }
  } else {
    const pairs = new Float64Array(new Uint8Array(readFileSync(latencyOut)).buffer);
    rmSync(latencyOut, { force: true });
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const latency = Math.round(pairs[i + 1]!);
      samples.push([pairs[i]! - latency, latency]);
    }
  }
  await producer.disconnect();
  await loadProducer.disconnect();
  const latencies: number[] = [];
  const withWarmup: number[] = [];
  // p99 per 1/5 of the measured window (by append time): a tail that grows along the run means the
  // worker falls behind at this rate; a flat one, per-cycle delays.
  let firstAppend = Infinity;
  for (const t of appendedAt.values()) if (t < firstAppend) firstAppend = t;
  const measuredFrom = firstAppend + WARMUP_SECONDS * 1000;
  const fifths: number[][] = [[], [], [], [], []];
  for (const [appended, latency] of samples) {
    withWarmup.push(latency);
    if (appended < measuredFrom) continue;
    latencies.push(latency);
    fifths[Math.min(4, Math.floor(((appended - measuredFrom) / (LATENCY_SECONDS * 1000)) * 5))]!.push(latency);
  }
  latencies.sort((a, b) => a - b);
  withWarmup.sort((a, b) => a - b);
  for (const f of fifths) f.sort((a, b) => a - b);
  const alongRun = `p99 along the run (fifths): ${fifths.map((f) => (f.length === 0 ? '-' : String(percentile(f, 99)))).join(' / ')} ms`;

  // ---- report
  const by = (m: string) => results.find((r) => r.mode === m);
  const row = (r: VariantResult) =>
    `| ${r.mode}${r.round ? ` #${r.round}` : ''} | ${r.events} | ${rateOf(r).toFixed(0)} | ${((r.cpuMs / 1000 / r.events) * 1000).toFixed(3)} | ${((r.redisCpuMs / 1000 / r.events) * 1000).toFixed(3)} |`;
  const latencyLine =
    `latency at ${rate} events/s (50% of c's ${peak.toFixed(0)} events/s) over ${LATENCY_SECONDS} s after a ${WARMUP_SECONDS} s warm-up at that rate, ${latencies.length} ${latencyAt === 'ack' ? 'events, event append -> its outputs acknowledged to the worker' : 'rewarded events, event append -> reward append'}:` +
    ` p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies[latencies.length - 1]} ms (target p99 <= 100 ms); ${alongRun};` +
    ` whole run incl. warm-up: p99 ${percentile(withWarmup, 99)} ms;${machineBusy === undefined ? '' : ` machine CPU busy ${(machineBusy * 100).toFixed(0)}% of ${availableParallelism()} cores during the window (everything: broker, Redis, worker, this harness);`} worker drained ${lat.events} events, ${(lat.cpuMs / lat.events).toFixed(3)} CPU ms per event (the drain above: ${drainCpuPerEvent === undefined ? '-' : drainCpuPerEvent.toFixed(3)})`;
  if (latencyOnly) {
    console.log(latencyLine);
  }
  const aRuns = results.filter((r) => r.mode === 'a passthrough');
  const perRound = aRuns.map((a) => rateOf(workerRuns.find((c) => c.round === a.round)!) / rateOf(a));
  const [bFull, b, cb] = [by('b naive'), by('b naive (first part)'), by('c worker (first part)')];
  const lines = latencyOnly ? [] : [
    `rules-worker benchmark, ${new Date().toISOString()}, ${N} events (first part: ${NAIVE_MAX}), ${PARTITIONS} partitions, ${MEMBERS} group member(s) per process for (a) and (c), Zipf customers, rules: ${rulesDir}`,
    '',
    '| variant | events | events/s | CPU s / 1k events (process) | Redis CPU s / 1k events |',
    '| --- | --- | --- | --- | --- |',
    ...[...aRuns, ...workerRuns, bFull, b, cb].filter((r): r is VariantResult => r !== undefined).map(row),
    '',
    `medians over ${aRuns.length} rounds: a ${median(aRuns.map(rateOf)).toFixed(0)} events/s, c ${peak.toFixed(0)} events/s`,
    `c / a = ${median(perRound).toFixed(2)} (median of the rounds' ratios: ${perRound.map((x) => x.toFixed(2)).join(', ')}; target >= 0.5)`,
    // A partial run (BENCH_VARIANTS with `lat`) reports the ratios it has the rows for.
    ...(bFull ? [`c / b draining the same ${N}-event topic (b time-boxed to ${NAIVE_SECONDS} s: ${bFull.events} events) = ${(peak / rateOf(bFull)).toFixed(1)}x (target >= 10x)`] : []),
    ...(b && cb ? [`cold start: c / b on a topic of the first ${NAIVE_MAX} events only (c's clock includes its JIT warm-up) = ${(rateOf(cb) / rateOf(b)).toFixed(1)}x`] : []),
    latencyLine,
  ];
  if (!latencyOnly) console.log(lines.join('\n'));
} finally {
  await cleanup();
}

async function cleanup(): Promise<void> {
  if (createdTopics.length > 0) await admin.deleteTopics({ topics: createdTopics.splice(0) }).catch(() => undefined);
  for (const p of redisPrefixes.splice(0)) await deleteRedisPrefix(redis, p).catch(() => undefined);
  await admin.disconnect();
  redis.disconnect();
}
