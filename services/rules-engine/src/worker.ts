import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import { ensureTopics, topicNames } from '@incentive/kafka';
import { createOpsServer, type Logger } from '@incentive/platform';
import { parseCustomerState, type CustomerState } from '@incentive/facts';
import type { Config } from './config.js';
import { createChunkProcessor, type RulesSnapshot } from './chunk-processor.js';
import { createRulesConsumer, type ConsumerHealth } from './kafka/rules-consumer.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { createRedisFactsStore } from './redis/facts-store.js';
import { createKeyLayout } from './redis/keys.js';
import { createRedisLimitStore } from './redis/limit-store.js';
import { createRulesReloader } from './rules/rules-reloader.js';
import { buildRulesSnapshot } from './rules/build-snapshot.js';
import { createTickBatcher } from './tick-batcher.js';

export interface RulesWorkerDeps {
  config: Config;
  logger: Logger;
  kafka: Pick<Kafka, 'consumer' | 'producer' | 'admin'>;
  redis: Redis;
  metrics?: Metrics;
  /** Called when the consumer crashed for good (kafkajs will not restart it). */
  onFatal?: (err: unknown) => void;
}

/**
 * Assembles the worker from its adapters. Components start in order (redis, rules, topics, consumer,
 * ops server) and stop in reverse; `main.ts` registers `stop` with the process shutdown.
 */
export function createRulesWorker(deps: RulesWorkerDeps) {
  const { config, logger, redis } = deps;
  const metrics = deps.metrics ?? createMetrics();
  const topics = topicNames(config.TOPIC_PREFIX);
  const keys = createKeyLayout(config.REDIS_KEY_PREFIX);

  const facts = createRedisFactsStore<CustomerState>({
    redis,
    keys,
    dedupeWindowMs: config.DEDUPE_WINDOW_MS,
    decode: parseCustomerState,
    scriptGroups: config.REDIS_SCRIPT_GROUPS,
  });
  const limits = createRedisLimitStore({
    redis,
    keyPrefix: config.REDIS_KEY_PREFIX,
    refusalMemoSize: config.LIMIT_REFUSAL_MEMO_SIZE,
    onBlocked: (rule, scope) => metrics.ruleLimitBlocked.inc({ rule, scope }),
  });

  const rules = createRulesReloader<RulesSnapshot<CustomerState>>({
    dir: config.RULES_DIR,
    watch: config.RULES_WATCH,
    debounceMs: config.RULES_RELOAD_DEBOUNCE_MS,
    logger,
    build: (dir) =>
      buildRulesSnapshot(dir, {
        engine: config.RULES_ENGINE,
        limits,
        hooks: {
          onEvaluated: (ids) => {
            metrics.tally.evaluations.addEach(ids);
          },
          onMatched: (ids) => {
            for (const rule of ids) metrics.tally.matches.add(rule);
          },
        },
      }),
    onLoaded: (version, previous) => {
      metrics.rulesReloads.inc({ result: 'ok' });
      if (previous !== undefined) metrics.rulesetInfo.remove({ version: previous });
      metrics.rulesetInfo.set({ version }, 1);
    },
    onRefused: () => {
      metrics.rulesReloads.inc({ result: 'refused' });
      metrics.rulesReloadFailures.inc();
    },
  });

  const log = logger.child({ component: 'rules-worker' });
  const processChunk = createChunkProcessor<CustomerState>({
    facts,
    rules: () => rules.current(),
    onEvent: (_event, rewards) => {
      for (const r of rewards) metrics.tally.rewards.add(r.ruleId, r.kind);
    },
    onFailure: (err, event) => log.error({ err, eventId: event.id, type: event.type }, 'event processing failed, dead-lettered'),
  });

  // The chunks of all partitions (and members) that arrive in one turn of the event loop share one
  // load and one commit (see tick-batcher.ts).
  const processInTurn = createTickBatcher(processChunk.parts);

  // KAFKA_CONSUMERS group members in this process, each with its own fetcher and producer: kafkajs
  // fetches again only when every partition of the previous fetch is done, and an idempotent
  // producer has one request in flight, so a single member makes all of its partitions wait for the
  // slowest one and queue behind each other's sends.
  const consumers = Array.from({ length: config.KAFKA_CONSUMERS }, () =>
    createRulesConsumer({
      consumer: deps.kafka.consumer({
        groupId: config.KAFKA_GROUP_ID,
        sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
        rebalanceTimeout: config.KAFKA_REBALANCE_TIMEOUT_MS,
        heartbeatInterval: config.KAFKA_HEARTBEAT_INTERVAL_MS,
        maxBytesPerPartition: config.KAFKA_MAX_BYTES_PER_PARTITION,
        maxWaitTimeInMs: config.KAFKA_MAX_WAIT_MS,
      }),
      producer: deps.kafka.producer({ idempotent: true, maxInFlightRequests: 1 }),
      processChunk: (topic, partition, messages) => processInTurn({ topic, partition, messages }),
      markPublished: (entries) => facts.markPublished(entries),
      topics: { events: topics.events, rewards: topics.rewards, eventsDlq: topics.eventsDlq },
      chunkSize: config.CHUNK_SIZE,
      partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONCURRENTLY,
      commitIntervalMs: config.KAFKA_COMMIT_INTERVAL_MS,
      fromBeginning: config.KAFKA_FROM_BEGINNING,
      retry: { initialMs: config.RETRY_INITIAL_MS, maxMs: config.RETRY_MAX_MS },
      metrics,
      logger,
      onFatal: deps.onFatal,
      beforePublish:
        config.TEST_SLOW_CHUNK_MS > 0 ? () => new Promise<void>((r) => setTimeout(r, config.TEST_SLOW_CHUNK_MS)) : undefined,
    }),
  );

  /** The members together: joined when all are, crashed when any is, as active as the quietest. */
  function health(): ConsumerHealth & { members: number; membersJoined: number } {
    const all = consumers.map((c) => c.health());
    return {
      members: all.length,
      membersJoined: all.filter((h) => h.joined).length,
      joined: all.every((h) => h.joined),
      crashed: all.some((h) => h.crashed),
      lastActivityMs: Math.min(...all.map((h) => h.lastActivityMs)),
      joins: all.reduce((n, h) => n + h.joins, 0),
      rebalancesDuringBatch: all.reduce((n, h) => n + h.rebalancesDuringBatch, 0),
    };
  }

  async function redisAnswers(): Promise<boolean> {
    try {
      return (await Promise.race([
        redis.ping(),
        new Promise<string>((_, reject) => setTimeout(() => reject(new Error('ping timeout')), 1_000).unref()),
      ])) === 'PONG';
    } catch {
      return false;
    }
  }

  const ops = createOpsServer({
    port: config.HTTP_PORT,
    registry: metrics.registry,
    logger: log,
    liveness: async () => {
      const h = health();
      const idleMs = Date.now() - h.lastActivityMs;
      return { ok: !h.crashed && idleMs < config.LIVENESS_STALE_MS, detail: { crashed: h.crashed, idleMs } };
    },
    readiness: async () => {
      const h = health();
      const redisOk = await redisAnswers();
      return { ok: h.joined && redisOk, detail: { groupJoined: h.joined, membersJoined: `${h.membersJoined}/${h.members}`, redis: redisOk, rulesetVersion: rules.version() } };
    },
  });

  let started = false;
  return {
    metrics,
    rules,
    topics,
    health,
    httpPort: () => ops.port(),
    async start(): Promise<void> {
      if (started) return;
      started = true;
      if (redis.status === 'wait') await redis.connect();
      await rules.start();
      if (config.CREATE_TOPICS) {
        const admin = deps.kafka.admin();
        await admin.connect();
        try {
          await ensureTopics(admin, [topics.events, topics.rewards, topics.eventsDlq], { partitions: config.TOPIC_PARTITIONS });
        } finally {
          await admin.disconnect();
        }
      }
      await ops.start();
      // Together, so that the members usually join in one rebalance rather than one each.
      await Promise.all(consumers.map((c) => c.start()));
      log.info({ groupId: config.KAFKA_GROUP_ID, topic: topics.events, rulesetVersion: rules.version() }, 'rules worker started');
    },
    async stop(): Promise<void> {
      if (!started) return;
      started = false;
      await Promise.all(consumers.map((c) => c.stop()));
      await rules.stop();
      await ops.stop();
    },
  };
}

export type RulesWorker = ReturnType<typeof createRulesWorker>;
