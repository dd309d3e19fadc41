import { Kafka, logLevel } from 'kafkajs';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import type { ServiceUrls } from './services.js';

const CHECK_TIMEOUT_MS = 15_000;

async function withTimeout<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function checkKafka(brokers: string): Promise<void> {
  const admin = new Kafka({
    brokers: brokers.split(','),
    clientId: 'incentive-testing-check',
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 200 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('metadata lists no broker');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function checkMongo(url: string): Promise<void> {
  const conn = mongoose.createConnection(url, { serverSelectionTimeoutMS: 5_000 });
  try {
    await conn.asPromise();
    await conn.db!.admin().ping();
  } finally {
    await conn.close().catch(() => undefined);
  }
}

async function checkRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5_000, retryStrategy: () => null });
  redis.on('error', () => undefined); // reported through the rejected command instead
  try {
    await redis.connect();
    const pong = await redis.ping();
    if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
  } finally {
    redis.disconnect();
  }
}

/**
 * Sends one real request to each service (Kafka metadata, Mongo ping, Redis PING) and throws one
 * error naming every service that did not answer.
 */
export async function checkServices(urls: Pick<ServiceUrls, 'kafkaBrokers' | 'mongoUrl' | 'redisUrl'>): Promise<void> {
  const checks = [
    ['Kafka', urls.kafkaBrokers, checkKafka],
    ['MongoDB', urls.mongoUrl, checkMongo],
    ['Redis', urls.redisUrl, checkRedis],
  ] as const;
  const results = await Promise.allSettled(
    checks.map(([name, url, check]) => withTimeout(`${name} at ${url}`, CHECK_TIMEOUT_MS, check(url))),
  );
  const failures = results.flatMap((r, i) => {
    if (r.status === 'fulfilled') return [];
    const [name, url] = checks[i]!;
    const reason = r.reason instanceof Error ? r.reason.message : String(r.reason);
    return [`${name} (${url}): ${reason}`];
  });
  if (failures.length > 0) throw new Error(`services did not answer: ${failures.join('; ')}`);
}
