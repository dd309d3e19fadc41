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
import { createRedisClient, createRedisLimitStore, createRulesWorker, loadConfig } from '@incentive/rules-engine';

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
      return consumer;
    },
  };
  const worker = createRulesWorker({ config, logger, kafka: clocked, redis });
  await worker.start();
  while (!worker.health().joined) await new Promise((r) => setTimeout(r, 5));
  process.stdout.write('{"ready":true}\n');
  const count = async () => (await worker.metrics.eventsProcessed.get()).values.reduce((s, v) => s + v.value, 0);
  for (;;) {
    const n = await count();
    if (n > processed) markProcessed(n - processed);
    if (processed >= target) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await finish(async () => {
    await worker.stop();
    redis.disconnect();
  });
} else {
  throw new Error(`unknown mode ${String(mode)}`);
}
