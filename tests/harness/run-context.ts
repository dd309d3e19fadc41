import { randomBytes } from 'node:crypto';
import { topicNames, type TopicNames } from '@incentive/kafka';
import type { ServiceName } from './service-process.js';

export interface ServiceUrls {
  kafkaBrokers: string;
  mongoUrl: string;
  redisUrl: string;
}

/**
 * Everything that keeps one run apart from every other run on the same Kafka, Redis and MongoDB: a
 * topic prefix, consumer group ids, a Redis key prefix and a database. Re-running the demo or the
 * tests therefore never sees earlier data, and no reset is needed.
 */
export interface RunContext {
  runId: string;
  urls: ServiceUrls;
  topicPrefix: string;
  topics: TopicNames;
  redisKeyPrefix: string;
  mongoDbName: string;
  /** The MongoDB URL with the run's database as its path (what the services and the reports connect to). */
  mongoDbUrl: string;
  groups: {
    rulesEngine: string;
    fulfillment: string;
    /** Fulfillment's sibling consumer of purchases carrying coupon codes (events topic). */
    redemptions: string;
    scheduler: string;
  };
  rulesDir: string;
}

/** `<kind>-<yyyymmddhhmm>-<random>`: sortable by time, unique, valid as topic/db/key material. */
export function newRunId(kind: string): string {
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 12);
  return `${kind}${stamp}${randomBytes(3).toString('hex')}`;
}

/** Replaces the path of a MongoDB URL with `db` (keeps credentials and options). */
export function mongoUrlWithDb(url: string, db: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${db}`;
  return parsed.toString();
}

export function createRunContext(options: { runId: string; urls: ServiceUrls; rulesDir: string }): RunContext {
  const { runId, urls } = options;
  if (!/^[a-z][a-z0-9]{0,39}$/.test(runId)) throw new Error(`run id "${runId}" must match [a-z][a-z0-9]{0,39}`);
  const topicPrefix = `${runId}.`;
  // FerretDB/SQLite: short [a-z0-9_] database names.
  const mongoDbName = runId.slice(0, 40);
  return {
    runId,
    urls,
    topicPrefix,
    topics: topicNames(topicPrefix),
    redisKeyPrefix: `${runId}:`,
    mongoDbName,
    mongoDbUrl: mongoUrlWithDb(urls.mongoUrl, mongoDbName),
    groups: {
      rulesEngine: `${runId}.rules-engine`,
      fulfillment: `${runId}.fulfillment`,
      redemptions: `${runId}.redemptions`,
      scheduler: `${runId}.scheduler`,
    },
    rulesDir: options.rulesDir,
  };
}

export interface ServiceEnvOptions {
  logLevel?: string;
  /** Scheduler only: run on a manual clock starting here (RFC 3339); the caller moves it with POST /advance. */
  clockStart?: string;
  extra?: Record<string, string>;
}

/**
 * The environment of one service for this run: the shared URLs plus the run's topic prefix, group,
 * key prefix and database. Names follow each service's src/config.ts.
 */
export function serviceEnv(ctx: RunContext, name: ServiceName, options: ServiceEnvOptions = {}): Record<string, string> {
  const common: Record<string, string> = {
    LOG_LEVEL: options.logLevel ?? 'info',
    KAFKA_BROKERS: ctx.urls.kafkaBrokers,
    TOPIC_PREFIX: ctx.topicPrefix,
    CREATE_TOPICS: 'false',
    SHUTDOWN_TIMEOUT_MS: '15000',
  };
  // Short group timeouts for the workers whose batches are quick (a run joins and leaves groups
  // often); fulfillment keeps its defaults: a FerretDB chunk under load can outlast a short session.
  const quickGroups = { KAFKA_SESSION_TIMEOUT_MS: '10000', KAFKA_HEARTBEAT_INTERVAL_MS: '1000', KAFKA_REBALANCE_TIMEOUT_MS: '20000' };
  switch (name) {
    case 'rules-engine':
      return {
        ...common,
        ...quickGroups,
        KAFKA_GROUP_ID: ctx.groups.rulesEngine,
        REDIS_URL: ctx.urls.redisUrl,
        REDIS_KEY_PREFIX: ctx.redisKeyPrefix,
        RULES_DIR: ctx.rulesDir,
        RULES_WATCH: 'false',
        ...options.extra,
      };
    case 'fulfillment':
      return {
        ...common,
        KAFKA_GROUP_ID: ctx.groups.fulfillment,
        KAFKA_REDEMPTIONS_GROUP_ID: ctx.groups.redemptions,
        MONGO_URL: ctx.mongoDbUrl,
        MONGO_DB: ctx.mongoDbName,
        // Heartbeats go out between chunks: on a busy 2-core box a 1,000-reward chunk on FerretDB
        // outlasted the 30 s session and the group kept rebalancing; 250 keeps a chunk well inside it.
        CHUNK_SIZE: '250',
        ...options.extra,
      };
    case 'scheduler':
      return {
        ...common,
        ...quickGroups,
        KAFKA_INDEX_GROUP_ID: ctx.groups.scheduler,
        // One transactional id per deployment (a new leader fences the old one); per run here.
        KAFKA_TRANSACTIONAL_ID: `${ctx.runId}.scheduler-clock`,
        REDIS_URL: ctx.urls.redisUrl,
        REDIS_KEY_PREFIX: ctx.redisKeyPrefix,
        RULES_DIR: ctx.rulesDir,
        // The loop polls often and the lease is short so that a killed instance is replaced quickly.
        POLL_MS: '200',
        LEASE_TTL_MS: '3000',
        ...(options.clockStart ? { SCHEDULER_CLOCK: 'manual', SCHEDULER_CLOCK_START: options.clockStart } : {}),
        ...options.extra,
      };
  }
}
