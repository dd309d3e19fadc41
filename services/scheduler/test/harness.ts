// Helpers for the scheduler's integration tests: real Kafka and Redis from @incentive/testing, a
// fresh topic prefix, groups, transactional id and Redis key prefix per test; the scheduler
// in-process or as a child process (the real main.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { Redis } from 'ioredis';
import { deleteRedisKeys, getServices, redisKeyPrefix, uniqueId, useCleanups, waitFor, type Cleanups } from '@incentive/testing';
import { createLogger } from '@incentive/platform';
import { ensureTopics, topicNames } from '@incentive/kafka';
import { parseEventJson, type IncentiveEvent } from '@incentive/events';
import { loadConfig } from '../src/config.js';
import { createManualClock } from '../src/core/clock.js';
import { createSchedulerService, type SchedulerService } from '../src/service.js';

export const REPO = resolve(import.meta.dirname, '../../..');
export const SHIPPED_RULES = join(REPO, 'rules');

export interface TestEnv {
  topic: string;
  redisPrefix: string;
  kafka: Kafka;
  env: Record<string, string>;
}

export async function createTestEnv(extra: Record<string, string> = {}): Promise<TestEnv> {
  const services = getServices();
  const prefix = `${uniqueId('sch')}.`;
  const topic = topicNames(prefix).events;
  const kafka = new Kafka({ brokers: services.kafkaBrokers.split(','), clientId: 'sch-test', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    // The shared broker is busy with other suites: a fresh topic's leaders can lag, so retry.
    for (let attempt = 1; ; attempt++) {
      try {
        await ensureTopics(admin, [topic], { partitions: 3 });
        break;
      } catch (err) {
        if (attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  } finally {
    await admin.disconnect();
  }
  const redisPrefix = redisKeyPrefix();
  return {
    topic,
    redisPrefix,
    kafka,
    env: {
      KAFKA_BROKERS: services.kafkaBrokers,
      REDIS_URL: services.redisUrl,
      TOPIC_PREFIX: prefix,
      TOPIC_PARTITIONS: '3',
      REDIS_KEY_PREFIX: redisPrefix,
      KAFKA_INDEX_GROUP_ID: uniqueId('sch-index'),
      KAFKA_TRANSACTIONAL_ID: uniqueId('sch-tx'),
      RULES_DIR: SHIPPED_RULES,
      HTTP_PORT: '0',
      LEASE_TTL_MS: '3000',
      POLL_MS: '200',
      INDEX_CATCHUP_TIMEOUT_MS: '30000',
      KAFKA_SESSION_TIMEOUT_MS: '10000',
      LOG_LEVEL: 'warn',
      ...extra,
    },
  };
}

/** The service in-process with a manual clock at `start`. */
/** `createTestEnv(extra)` whose topic and Redis keys are removed after the test. */
export async function setUpTestEnv(cleanups: Cleanups, extra: Record<string, string> = {}): Promise<TestEnv> {
  const env = await createTestEnv(extra);
  cleanups.push(() => deleteTopic(env));
  cleanups.push(() => deleteRedisKeys(env.env.REDIS_URL!, env.redisPrefix));
  return env;
}

export function startInProcess(env: TestEnv, start: string, extra: Record<string, string> = {}): { service: SchedulerService; redis: Redis; stop: () => Promise<void> } {
  const config = loadConfig({ ...env.env, SCHEDULER_CLOCK: 'manual', SCHEDULER_CLOCK_START: start, ...extra });
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'scheduler-test' });
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true });
  const kafka = new Kafka({ brokers: config.KAFKA_BROKERS, clientId: 'sch-service', logLevel: logLevel.NOTHING });
  const service = createSchedulerService({ config, logger, kafka, redis, clock: createManualClock(new Date(start)) });
  return {
    service,
    redis,
    stop: async () => {
      await service.stop();
      redis.disconnect();
    },
  };
}

/** The real entry point as a child process: `node --conditions=source --import tsx src/main.ts`. */
export function spawnScheduler(env: TestEnv, extra: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(REPO, 'services/scheduler/src/main.ts')], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env.env, LOG_LEVEL: 'info', ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

/** The port the child's ops server listens on, from its "ops server listening" log line. */
export async function childPort(output: () => string): Promise<number> {
  let port = 0;
  await waitFor(
    () => {
      const m = /"port":(\d+)[^\n]*ops server listening/.exec(output());
      if (m) port = Number(m[1]);
      return port > 0;
    },
    { timeoutMs: 60_000, message: 'the scheduler child process to listen', intervalMs: 100 },
  );
  return port;
}

export async function connectProducer(env: TestEnv): Promise<Producer> {
  const p = env.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await p.connect();
  return p;
}

export async function produce(producer: Producer, env: TestEnv, events: IncentiveEvent[]): Promise<void> {
  await producer.send({ topic: env.topic, acks: -1, messages: events.map((e) => ({ key: e.customerId, value: JSON.stringify(e) })) });
}

/**
 * Clock events on the topic (read_committed), collected in the background. `settle()` writes a
 * marker to every partition and waits until all markers are read, so everything published before
 * it has been seen: assertions on "exactly once" then need no sleep.
 */
export async function collectClockEvents(env: TestEnv, partitions = 3): Promise<{ events: IncentiveEvent[]; settle: (producer: Producer) => Promise<void>; stop: () => Promise<void> }> {
  const consumer: Consumer = env.kafka.consumer({ groupId: uniqueId('sch-collect') });
  const events: IncentiveEvent[] = [];
  const markers = new Set<string>();
  await consumer.connect();
  await consumer.subscribe({ topic: env.topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const text = message.value?.toString() ?? '';
      if (text.startsWith('marker:')) {
        markers.add(text);
        return;
      }
      const parsed = parseEventJson(text);
      if (parsed.ok && parsed.value.id.startsWith('clock:')) events.push(parsed.value);
    },
  });
  let round = 0;
  return {
    events,
    async settle(producer) {
      round++;
      const wanted = Array.from({ length: partitions }, (_, p) => `marker:${round}:${p}`);
      await producer.send({ topic: env.topic, acks: -1, messages: wanted.map((value, partition) => ({ key: 'marker', value, partition })) });
      await waitFor(() => wanted.every((m) => markers.has(m)), { timeoutMs: 60_000, message: 'markers on every partition' });
    },
    stop: () => consumer.disconnect(),
  };
}

export function countById(events: IncentiveEvent[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of events) m.set(e.id, (m.get(e.id) ?? 0) + 1);
  return m;
}

export { deleteRedisKeys, useCleanups };

export async function deleteTopic(env: TestEnv): Promise<void> {
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    // The service also creates the rewards and notifications topics (points expiry) under the prefix.
    const names = topicNames(env.env.TOPIC_PREFIX);
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics({ topics: [env.topic, names.rewards, names.notifications].filter((t) => existing.has(t)) });
  } catch {
    // best effort: a leftover topic with a unique name harms nobody
  } finally {
    await admin.disconnect();
  }
}

export function signup(customerId: string, birthday: string, at: string): IncentiveEvent {
  return { id: `signup-${customerId}`, type: 'signup', customerId, occurredAt: at, data: { birthday } };
}

export function purchase(id: string, customerId: string, at: string, amount: number): IncentiveEvent {
  return { id, type: 'purchase', customerId, occurredAt: at, data: { orderId: `order-${id}`, amount, currency: 'GBP' } };
}

export function refund(id: string, customerId: string, orderOf: string, at: string, amount: number): IncentiveEvent {
  return { id, type: 'refund', customerId, occurredAt: at, data: { orderId: `order-${orderOf}`, amount, currency: 'GBP' } };
}

export { waitFor };
