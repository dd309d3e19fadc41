// One contestant of the rules-worker benchmark, run as its own process so CPU is measured per
// variant: `passthrough` (kafkajs eachBatch -> sendBatch, no work: the ceiling), `naive`
// (eachMessage, an awaited Redis call per command, an awaited send per reward) or `worker` (the
// rules worker). Drains the input topic until `BENCH_EVENTS` events are processed (or the naive
// cap), then prints one JSON line: events, elapsed ms from the first processed event, CPU ms.
import { Kafka, logLevel, type Message } from 'kafkajs';
import { parseEventJson } from '@incentive/events';
import { createKafka } from '@incentive/kafka';
import { createLogger } from '@incentive/platform';
import { createEvaluator, createPipeline, loadRuleset } from '@incentive/rules';
import { parseCustomerState, type CustomerState } from '@incentive/facts';
import { writeFileSync } from 'node:fs';
import { createMetrics, createRedisClient, createRedisLimitStore, createRulesWorker, loadConfig } from '@incentive/rules-engine';
import { percentile } from './lib/measure.js';

const env = process.env;
const mode = process.argv[2];
const target = Number(env.BENCH_TARGET);
// Optional time box (naive variant on the full stream): stop after this long, report what was done.
const timeLimitMs = Number(env.BENCH_TIME_LIMIT_MS ?? Infinity);
const brokers = env.KAFKA_BROKERS!.split(',');
const input = env.BENCH_INPUT!;
const output = env.BENCH_OUTPUT!;
const groupId = env.BENCH_GROUP!;

// The clock starts when the variant has joined its group (the topic is already full, so work starts
// right then), the same for every variant; starting at the first *finished* batch would hide the
// first batch, which for the worker can be a large part of a short run.
let processed = 0;
let firstAt = 0;
let cpuAtFirst: NodeJS.CpuUsage | undefined;
const startClock = () => {
  if (cpuAtFirst) return;
  firstAt = performance.now();
  cpuAtFirst = process.cpuUsage();
};
const markProcessed = (n: number) => {
  processed += n;
};

async function finish(stop: () => Promise<void>): Promise<never> {
  const elapsedMs = performance.now() - firstAt;
  const cpu = process.cpuUsage(cpuAtFirst);
  process.stdout.write(`${JSON.stringify({ mode, events: processed, elapsedMs, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
  await stop();
  process.exit(0);
}

async function waitUntil(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
}

const doneOrTimedOut = () => processed >= target || (cpuAtFirst !== undefined && performance.now() - firstAt >= timeLimitMs);

const kafka = new Kafka({ brokers, clientId: `bench-${mode}`, logLevel: logLevel.NOTHING });

if (mode === 'passthrough') {
  // BENCH_MEMBERS group members in this process, each with its own producer: what the worker does
  // with KAFKA_CONSUMERS, so that the ceiling is measured the same way.
  const members = await Promise.all(
    Array.from({ length: Number(env.BENCH_MEMBERS ?? 1) }, async () => {
      const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
      consumer.on(consumer.events.GROUP_JOIN, startClock);
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await Promise.all([consumer.connect(), producer.connect()]);
      await consumer.subscribe({ topics: [input], fromBeginning: true });
      return { consumer, producer };
    }),
  );
  for (const { consumer, producer } of members) {
    await consumer.run({
      partitionsConsumedConcurrently: 6,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
        await producer.sendBatch({ topicMessages: [{ topic: output, messages: batch.messages.map((m): Message => ({ key: m.key, value: m.value })) }], acks: -1 });
        resolveOffset(batch.lastOffset());
        await commitOffsetsIfNecessary();
        markProcessed(batch.messages.length);
      },
    });
  }
  await waitUntil(() => processed >= target);
  await finish(async () => {
    for (const { consumer, producer } of members) {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });
} else if (mode === 'naive') {
  // What a straightforward first version looks like: every Redis command and every send awaited in turn.
  const redis = createRedisClient({ url: env.REDIS_URL!, name: 'bench-naive' });
  await redis.connect();
  const prefix = env.BENCH_REDIS_PREFIX!;
  const loaded = await loadRuleset(env.BENCH_RULES!);
  if (!loaded.ok) throw new Error('rules invalid');
  const pipeline = createPipeline({ ruleset: loaded.ruleset, evaluator: createEvaluator(loaded.ruleset, { engine: 'compiled' }), limits: createRedisLimitStore({ redis, keyPrefix: prefix }) });
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  consumer.on(consumer.events.GROUP_JOIN, startClock);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topics: [input], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const parsed = parseEventJson(message.value ?? '');
      if (parsed.ok) {
        const e = parsed.value;
        const stateKey = `${prefix}inc:{c:${e.customerId}}:state`;
        const dedupeKey = `${prefix}inc:{c:${e.customerId}}:ev:${e.id}`;
        if (!(await redis.exists(dedupeKey))) {
          const raw = await redis.get(stateKey);
          const referrerId = e.type === 'signup' || e.type === 'referral' ? e.data.referrerId : undefined;
          const referrerKnown = referrerId ? (await redis.exists(`${prefix}inc:{c:${referrerId}}:state`)) === 1 : undefined;
          const result = await pipeline.process(raw ? parseCustomerState(JSON.parse(raw)) : undefined, e, referrerKnown === undefined ? {} : { referrerKnown });
          await redis.set(stateKey, JSON.stringify(result.state satisfies CustomerState));
          await redis.set(dedupeKey, '1', 'PX', 7 * 86_400_000);
          for (const r of result.rewards) await producer.send({ topic: output, acks: -1, messages: [{ key: r.customerId, value: JSON.stringify(r) }] });
        }
      }
      markProcessed(1);
    },
  });
  await waitUntil(doneOrTimedOut);
  await finish(async () => {
    await consumer.disconnect();
    await producer.disconnect();
    redis.disconnect();
  });
} else if (mode === 'worker') {
  const diag = { ages: [] as number[], fetches: [] as number[] };
  const config = loadConfig({
    ...env,
    KAFKA_GROUP_ID: groupId,
    REDIS_KEY_PREFIX: env.BENCH_REDIS_PREFIX!,
    RULES_DIR: env.BENCH_RULES!,
    RULES_WATCH: 'false',
    CREATE_TOPICS: 'false',
    HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
  });
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'bench-worker' });
  const redis = createRedisClient({ url: config.REDIS_URL, name: 'bench-worker' });
  // The client main.ts builds (its producers memoise key -> partition).
  const workerKafka = createKafka({ brokers, clientId: 'bench-worker', logger });
  // The clock starts when the first member joined its group, as for the other variants.
  const clocked = {
    admin: workerKafka.admin.bind(workerKafka),
    producer: workerKafka.producer.bind(workerKafka),
    consumer: (cfg: Parameters<typeof workerKafka.consumer>[0]) => {
      const consumer = workerKafka.consumer(cfg);
      consumer.on(consumer.events.GROUP_JOIN, startClock);
      if (env.BENCH_DIAG === '1') {
        // Age of a batch's first record when eachBatch gets it, and fetch durations.
        const run = consumer.run.bind(consumer);
        consumer.run = (cfgRun) =>
          run({
            ...cfgRun,
            eachBatch: async (payload) => {
              const age = Date.now() - Number(payload.batch.messages[0]?.timestamp ?? Date.now());
              diag.ages.push(age);
              return cfgRun!.eachBatch!(payload);
            },
          });
        consumer.on(consumer.events.FETCH, (e) => diag.fetches.push(e.payload.duration));
      }
      return consumer;
    },
  };
  // BENCH_LATENCY_OUT: the latency run. The worker observes each event's latency (record timestamp,
  // the broker's append time, -> its chunk's outputs acknowledged) in its metrics; the exact values
  // are kept here as (acknowledged at, latency) pairs and written to that file at the end, for the
  // harness to take percentiles over its measured window.
  const metrics = createMetrics();
  const acked: number[] = [];
  if (env.BENCH_LATENCY_OUT) {
    const histogram = metrics.eventLatency;
    const observe = histogram.observe.bind(histogram);
    histogram.observe = ((seconds: number) => {
      acked.push(Date.now(), seconds * 1000);
      observe(seconds);
    }) as typeof histogram.observe;
  }
  const worker = createRulesWorker({ config, logger, kafka: clocked, redis, metrics });
  await worker.start();
  while (!worker.health().joined) await new Promise((r) => setTimeout(r, 5));
  process.stdout.write('{"ready":true}\n');
  const count = async () => (await worker.metrics.eventsProcessed.get()).values.reduce((s, v) => s + v.value, 0);
  // BENCH_DIAG=1: once a second on stderr: events, event-loop utilisation, worst loop delay, GC
  // pauses, chunk durations, and per fetched batch the age of its first record (append -> eachBatch).
  if (env.BENCH_DIAG === '1') {
    const { monitorEventLoopDelay, PerformanceObserver, performance: perf } = await import('node:perf_hooks');
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let gcMs = 0;
    let gcMax = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        gcMs += e.duration;
        gcMax = Math.max(gcMax, e.duration);
      }
    }).observe({ entryTypes: ['gc'] });
    let elu = perf.eventLoopUtilization();
    let last = 0;
    setInterval(() => {
      void count().then((n) => {
        const now = perf.eventLoopUtilization(elu);
        elu = perf.eventLoopUtilization();
        const slow = [0.05, 0.1, 0.25].map((le) => ({ le }));
        void worker.metrics.chunkDuration.get().then((h) => {
          const total = h.values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
          const over = slow.map(({ le }) => total - (h.values.find((v) => v.labels.le === le)?.value ?? 0));
          process.stderr.write(`[diag] chunks so far ${total}, of them over 50/100/250 ms: ${over.join('/')}\n`);
        });
        const ages = diag.ages.sort((a, b) => a - b);
        const fetches = diag.fetches.sort((a, b) => a - b);
        process.stderr.write(`[diag] batches ${ages.length} age p50/p99/max ${percentile(ages, 50)}/${percentile(ages, 99)}/${percentile(ages, 100)} ms; fetches ${fetches.length} duration p50/max ${percentile(fetches, 50)}/${percentile(fetches, 100)} ms\n`);
        diag.ages.length = 0;
        diag.fetches.length = 0;
        process.stderr.write(`[diag] events ${n - last} elu ${now.utilization.toFixed(2)} delay-max ${(delay.max / 1e6).toFixed(0)}ms gc ${gcMs.toFixed(0)}ms (max ${gcMax.toFixed(0)})\n`);
        last = n;
        delay.reset();
        gcMs = 0;
        gcMax = 0;
      });
    }, 1000).unref();
  }
  for (;;) {
    const n = await count();
    if (n > processed) markProcessed(n - processed);
    if (processed >= target) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  if (env.BENCH_LATENCY_OUT) writeFileSync(env.BENCH_LATENCY_OUT, new Float64Array(acked));
  await finish(async () => {
    await worker.stop();
    redis.disconnect();
  });
} else {
  throw new Error(`unknown mode ${String(mode)}`);
}
