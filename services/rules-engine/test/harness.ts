// Helpers for the worker's integration tests: real Kafka and Redis from @incentive/testing, a fresh
// topic prefix, group and Redis key prefix per test, the worker in-process or as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import { deleteRedisKeys, getServices, redisKeyPrefix, uniqueId, useCleanups, waitFor, type Cleanups } from '@incentive/testing';
import { createLogger } from '@incentive/platform';
import { ensureTopics, topicNames, type TopicNames } from '@incentive/kafka';
import { parseRewardJson, type Reward } from '@incentive/events';
import { loadConfig } from '../src/config.js';
import { createRedisClient } from '../src/redis/redis-client.js';
import { createRulesWorker, type RulesWorker } from '../src/worker.js';

export const REPO = resolve(import.meta.dirname, '../../..');
export const SHIPPED_RULES = join(REPO, 'rules');

export interface TestEnv {
  prefix: string;
  topics: TopicNames;
  groupId: string;
  redisPrefix: string;
  kafka: Kafka;
  env: Record<string, string>;
}

export async function createTestEnv(options: { partitions?: number; rulesDir: string; extra?: Record<string, string> }): Promise<TestEnv> {
  const services = getServices();
  const prefix = `${uniqueId('re')}.`;
  const topics = topicNames(prefix);
  const kafka = new Kafka({ brokers: services.kafkaBrokers.split(','), clientId: 're-test', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, [topics.events, topics.rewards, topics.eventsDlq], { partitions: options.partitions ?? 3 });
  } finally {
    await admin.disconnect();
  }
  const groupId = uniqueId('re-group');
  const redisPrefix = redisKeyPrefix();
  const env: Record<string, string> = {
    KAFKA_BROKERS: services.kafkaBrokers,
    REDIS_URL: services.redisUrl,
    KAFKA_GROUP_ID: groupId,
    TOPIC_PREFIX: prefix,
    REDIS_KEY_PREFIX: redisPrefix,
    RULES_DIR: options.rulesDir,
    HTTP_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    CREATE_TOPICS: 'false',
    KAFKA_SESSION_TIMEOUT_MS: '10000',
    KAFKA_HEARTBEAT_INTERVAL_MS: '500',
    KAFKA_REBALANCE_TIMEOUT_MS: '20000',
    RULES_RELOAD_DEBOUNCE_MS: '100',
    RETRY_MAX_MS: '1000',
    ...options.extra,
  };
  return { prefix, topics, groupId, redisPrefix, kafka, env };
}

/**
 * A test env over a fresh rules dir (`makeRulesDir(rules)`, default the basic rules). After the test
 * its rules dir, topics and Redis keys are removed. `ownRedis`: the test runs its own Redis server,
 * which it drops whole, so no keys are deleted.
 */
export async function setUpTestEnv(
  cleanups: Cleanups,
  options: { rules?: Record<string, unknown[]> | 'shipped'; partitions: number; extra?: Record<string, string>; ownRedis?: boolean },
): Promise<TestEnv & { rules: RulesDir }> {
  const rules = makeRulesDir(options.rules ?? BASIC_RULES);
  cleanups.push(() => rules.cleanup());
  const env = await createTestEnv({ rulesDir: rules.dir, partitions: options.partitions, ...(options.extra ? { extra: options.extra } : {}) });
  cleanups.push(() => deleteTopics(env));
  if (!options.ownRedis) cleanups.push(() => deleteRedisKeys(env.env.REDIS_URL!, env.redisPrefix));
  return { ...env, rules };
}

export interface RulesDir {
  dir: string;
  write(name: string, content: unknown): void;
  cleanup(): void;
}

/** A rules directory in a temp dir: the shipped tiers/segments/schedule plus the given incentive files. */
export function makeRulesDir(incentives: Record<string, unknown[]> | 'shipped'): RulesDir {
  const dir = mkdtempSync(join(tmpdir(), 're-rules-'));
  for (const f of ['tiers.json', 'segments.json', 'schedule.json']) cpSync(join(SHIPPED_RULES, f), join(dir, f));
  if (incentives === 'shipped') {
    cpSync(join(SHIPPED_RULES, 'incentives'), join(dir, 'incentives'), { recursive: true });
  } else {
    cpSync(join(SHIPPED_RULES, 'incentives'), join(dir, 'incentives'), { recursive: true, filter: (src) => !src.endsWith('.json') });
    for (const [name, rules] of Object.entries(incentives)) writeFileSync(join(dir, 'incentives', name), JSON.stringify(rules, null, 2));
  }
  return {
    dir,
    write: (name, content) => writeFileSync(join(dir, 'incentives', name), typeof content === 'string' ? content : JSON.stringify(content, null, 2)),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Simple rules used by most tests: points per unit on every purchase, a once-per-customer welcome coupon. */
export const BASIC_RULES = {
  'basic.json': [
    {
      id: 'points-per-pound',
      on: ['purchase'],
      priority: 10,
      conditions: { all: [] },
      reward: { kind: 'points', perUnit: 1 },
    },
    {
      id: 'welcome',
      on: ['signup'],
      priority: 10,
      conditions: { all: [] },
      reward: { kind: 'coupon', percentOff: 10, validDays: 30 },
      limits: { perCustomer: { count: 1, window: 'lifetime' } },
    },
  ],
};

export interface EventInput {
  id: string;
  type: string;
  customerId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

const BASE = Date.parse('2026-03-02T10:00:00Z');
export function at(minutes: number): string {
  return new Date(BASE + minutes * 60_000).toISOString();
}

export function purchase(id: string, customerId: string, minutes: number, amount: number): EventInput {
  return { id, type: 'purchase', customerId, occurredAt: at(minutes), data: { orderId: `o-${id}`, amount, currency: 'GBP' } };
}

export function signup(id: string, customerId: string, minutes: number, data: Record<string, unknown> = {}): EventInput {
  return { id, type: 'signup', customerId, occurredAt: at(minutes), data: { country: 'GB', ...data } };
}

export async function connectProducer(env: TestEnv): Promise<Producer> {
  const producer = env.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return producer;
}

export async function produceEvents(producer: Producer, topic: string, events: (EventInput | { key: string; raw: string | Buffer })[]): Promise<void> {
  await producer.send({
    topic,
    acks: -1,
    messages: events.map((e) =>
      'raw' in e ? { key: e.key, value: e.raw } : { key: e.customerId, value: JSON.stringify(e) },
    ),
  });
}

export interface Collected<T> {
  items: T[];
  stop(): Promise<void>;
}

/** Reads a topic from the beginning in its own group, keeping every record (duplicates included). */
export async function collect<T>(
  env: TestEnv,
  topic: string,
  map: (m: { key: string | null; value: Buffer | null; headers: Record<string, string> }) => T,
): Promise<Collected<T>> {
  const consumer: Consumer = env.kafka.consumer({ groupId: uniqueId('re-collector'), sessionTimeout: 10_000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const items: T[] = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = String(v);
      items.push(map({ key: message.key?.toString() ?? null, value: message.value, headers }));
    },
  });
  return {
    items,
    stop: async () => {
      await consumer.disconnect();
    },
  };
}

export function collectRewards(env: TestEnv): Promise<Collected<Reward>> {
  return collect(env, env.topics.rewards, (m) => {
    const parsed = parseRewardJson(m.value ?? '');
    if (!parsed.ok) throw new Error(`reward topic holds an invalid reward: ${parsed.error.message}`);
    return parsed.value;
  });
}

/** The worker in this process (for tests that inspect metrics or hot reload). */
export async function startWorker(env: TestEnv, extra: Record<string, string> = {}): Promise<{ worker: RulesWorker; redis: Redis; stop(): Promise<void> }> {
  const config = loadConfig({ ...env.env, ...extra });
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'rules-engine-test' });
  const redis = createRedisClient({ url: config.REDIS_URL, name: 'rules-engine-test' });
  redis.on('error', () => undefined);
  const kafka = new Kafka({ brokers: config.KAFKA_BROKERS, clientId: 'rules-engine-test', logLevel: logLevel.NOTHING });
  const worker = createRulesWorker({ config, logger, kafka, redis });
  await worker.start();
  return {
    worker,
    redis,
    stop: async () => {
      await worker.stop();
      redis.disconnect();
    },
  };
}

/** The real entry point as a child process: `node --conditions=source --import tsx src/main.ts`. */
export function spawnWorker(env: TestEnv, extra: Record<string, string> = {}): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(REPO, 'services/rules-engine/src/main.ts')], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env.env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

export { deleteRedisKeys, useCleanups };

export async function deleteTopics(env: TestEnv): Promise<void> {
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [env.topics.events, env.topics.rewards, env.topics.eventsDlq] });
  } catch {
    // best effort: a leftover topic with a unique name harms nobody
  } finally {
    await admin.disconnect();
  }
}

export function byId<T extends { rewardId: string }>(items: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of items) m.set(r.rewardId, [...(m.get(r.rewardId) ?? []), r]);
  return m;
}

export { waitFor };
