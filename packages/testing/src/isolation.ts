import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { inject } from 'vitest';
import type { ServiceUrls } from './services.js';

// Time part first so names sort by creation (handy when cleaning a shared broker by hand); the
// random part keeps parallel workers apart.
function suffix(): string {
  return `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

/** `<prefix>-<time><random>`, unique across workers and runs. `prefix` is kept as given. */
export function uniqueId(prefix = 'test'): string {
  return `${prefix}-${suffix()}`;
}

export function uniqueGroupId(prefix = 'test-group'): string {
  return uniqueId(prefix);
}

/**
 * A per-test Redis key prefix such as `t_mi3k2x9a1b2c3d4:`. It contains no `{`/`}`: product keys
 * carry their own hash tag (`inc:{c:<customerId>}:…`) and Redis hashes on the first `{…}` of a key,
 * so a braced prefix would silently move every key into one slot and hide cross-slot bugs.
 */
export function redisKeyPrefix(): string {
  return `t_${suffix()}:`;
}

/**
 * A short database name of `[a-z0-9_]` only (FerretDB's SQLite backend maps each database to a
 * file and rejects long or exotic names; MongoDB caps names at 63 bytes).
 */
export function uniqueMongoDbName(prefix = 't'): string {
  if (!/^[a-z][a-z0-9_]{0,15}$/.test(prefix)) {
    throw new Error(`uniqueMongoDbName: prefix "${prefix}" must match [a-z][a-z0-9_]{0,15}`);
  }
  return `${prefix}_${suffix()}`;
}

export interface CreateTestTopicOptions {
  partitions?: number;
  prefix?: string;
}

/**
 * Creates a fresh topic and waits until every partition has a leader, so a producer can write to it
 * at once. Accepts a connected admin, or brokers (then a short-lived admin is used).
 */
export async function createTestTopic(
  adminOrBrokers: Pick<Admin, 'createTopics'> | string | readonly string[],
  options: CreateTestTopicOptions = {},
): Promise<string> {
  const topic = uniqueId(options.prefix ?? 'test-topic');
  const spec = { waitForLeaders: true, topics: [{ topic, numPartitions: options.partitions ?? 1, replicationFactor: 1 }] };
  if (typeof adminOrBrokers === 'object' && !Array.isArray(adminOrBrokers) && 'createTopics' in adminOrBrokers) {
    await adminOrBrokers.createTopics(spec);
    return topic;
  }
  const brokers = typeof adminOrBrokers === 'string' ? adminOrBrokers.split(',') : [...(adminOrBrokers as readonly string[])];
  const admin = new Kafka({ brokers, clientId: 'incentive-testing', logLevel: logLevel.ERROR }).admin();
  await admin.connect();
  try {
    await admin.createTopics(spec);
  } finally {
    await admin.disconnect();
  }
  return topic;
}

/**
 * The service URLs resolved by the global setup (`defineIncentiveConfig({ services: true })`).
 * The same values are in `process.env.KAFKA_BROKERS / MONGO_URL / REDIS_URL` of every worker.
 */
export function getServices(): ServiceUrls {
  const services = inject('incentiveServices');
  if (!services) {
    throw new Error(
      'getServices: no services were provided; use defineIncentiveConfig({ services: true }) in vitest.config.ts',
    );
  }
  return services;
}
