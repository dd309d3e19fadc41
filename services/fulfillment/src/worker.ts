import type { Connection } from 'mongoose';
import type { Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import { isPointsExpireRequest, parseEventJson, parseRewardsTopicMessageJson, type PurchaseEvent } from '@incentive/events';
import { ensureTopics, publishDeadLetter, topicNames } from '@incentive/kafka';
import { createModels, ensureLedgerIndexes } from '@incentive/ledger';
import { createOpsServer, type Logger } from '@incentive/platform';
import type { Config } from './config.js';
import { createChunkConsumer } from './kafka/chunk-consumer.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { createRedemptionApplier } from './redemption-applier.js';
import { createRewardApplier, type Clock, type RewardsTopicItem } from './reward-applier.js';

export interface FulfillmentWorkerDeps {
  config: Config;
  logger: Logger;
  kafka: Kafka;
  /** An open mongoose connection to the fulfillment database (owned and closed by the caller). */
  connection: Connection;
  clock?: Clock;
  metrics?: Metrics;
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/**
 * The fulfillment worker: the rewards consumer (rewards → MongoDB → notifications), the sibling
 * redemptions consumer (purchase events with coupon codes), and the ops server.
 */
export function createFulfillmentWorker(deps: FulfillmentWorkerDeps) {
  const { config, logger, kafka, connection } = deps;
  const clock = deps.clock ?? { now: () => new Date() };
  const metrics = deps.metrics ?? createMetrics();
  const topics = topicNames(config.TOPIC_PREFIX);
  const models = createModels(connection);
  const rewards = createRewardApplier({ models, clock, writeBatchSize: config.MONGO_WRITE_BATCH });
  const redemptions = createRedemptionApplier({ models, clock });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const consumerOptions = {
    sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatInterval: config.KAFKA_HEARTBEAT_INTERVAL_MS,
    maxWaitTimeInMs: config.KAFKA_MAX_WAIT_MS,
    maxBytesPerPartition: config.KAFKA_MAX_BYTES_PER_PARTITION,
    allowAutoTopicCreation: false,
  };

  async function handleRewards(topic: string, partition: number, messages: KafkaMessage[]): Promise<void> {
    const valid: RewardsTopicItem[] = [];
    const notifications: Message[] = [];
    const deadLetters: Parameters<typeof publishDeadLetter>[1][] = [];
    for (const m of messages) {
      // Dispatch by shape: `type: "points.expire"` is the scheduler's expiry request, no `type` a
      // reward; anything else (another type, an invalid reward) is dead-lettered with the reason.
      const parsed = m.value ? parseRewardsTopicMessageJson(m.value) : undefined;
      if (parsed?.ok) {
        const source = { topic, partition, offset: m.offset };
        valid.push(isPointsExpireRequest(parsed.value) ? { request: parsed.value, source } : { reward: parsed.value, source });
      } else {
        deadLetters.push({
          topic: topics.rewardsDlq,
          original: { topic, partition, offset: m.offset, key: m.key, value: m.value, headers: m.headers ?? {} },
          error: parsed ? { code: parsed.error.code, message: parsed.error.message } : { code: 'empty', message: 'record has no value' },
        });
      }
    }
    const results = valid.length > 0 ? await rewards.apply(valid) : [];
    for (const r of results) {
      if (r.notification) notifications.push({ key: r.customerId, value: JSON.stringify(r.notification) });
    }
    // Notifications after the writes: at-least-once (a redelivered chunk notifies again; rewardId
    // is the receivers' dedupe key).
    if (notifications.length > 0) await producer.send({ topic: topics.notifications, messages: notifications, acks: -1 });
    for (const d of deadLetters) await publishDeadLetter(producer, d);
    for (const r of results) metrics.rewards.inc({ kind: r.kind, outcome: r.outcome });
    if (deadLetters.length > 0) metrics.rewards.inc({ kind: 'unknown', outcome: 'dead_lettered' }, deadLetters.length);
    if (deadLetters.length > 0) logger.warn({ count: deadLetters.length, topic, partition, first: deadLetters[0]!.error }, 'rewards dead-lettered');
  }

  async function handlePurchases(_topic: string, _partition: number, messages: KafkaMessage[]): Promise<void> {
    // Invalid events are the rules engine's to dead-letter; here only purchases with codes matter.
    const byCustomer = new Map<string, PurchaseEvent[]>();
    for (const m of messages) {
      if (!m.value) continue;
      const parsed = parseEventJson(m.value);
      if (!parsed.ok || parsed.value.type !== 'purchase') continue;
      const event = parsed.value;
      if (!event.data.couponCodes || event.data.couponCodes.length === 0) continue;
      let list = byCustomer.get(event.customerId);
      if (!list) byCustomer.set(event.customerId, (list = []));
      list.push(event);
    }
    // One customer's purchases in order; different customers concurrently.
    await mapLimit([...byCustomer.values()], 8, async (events) => {
      for (const event of events) {
        for (const o of await redemptions.apply(event)) metrics.redemptions.inc({ status: o.status, reason: o.reason ?? '' });
      }
    });
  }

  const rewardsConsumer = createChunkConsumer({
    name: 'rewards',
    consumer: kafka.consumer({ groupId: config.KAFKA_GROUP_ID, ...consumerOptions }),
    topic: topics.rewards,
    fromBeginning: config.KAFKA_FROM_BEGINNING,
    chunkSize: config.CHUNK_SIZE,
    partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONCURRENTLY,
    retry: { initialMs: config.RETRY_INITIAL_MS, maxMs: config.RETRY_MAX_MS },
    logger,
    metrics,
    handleChunk: handleRewards,
    onRebalance: () => rewards.forget(),
  });
  const redemptionsConsumer = createChunkConsumer({
    name: 'redemptions',
    consumer: kafka.consumer({ groupId: config.KAFKA_REDEMPTIONS_GROUP_ID, ...consumerOptions }),
    topic: topics.events,
    fromBeginning: config.KAFKA_FROM_BEGINNING,
    chunkSize: config.CHUNK_SIZE,
    partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONCURRENTLY,
    retry: { initialMs: config.RETRY_INITIAL_MS, maxMs: config.RETRY_MAX_MS },
    logger,
    metrics,
    handleChunk: handlePurchases,
  });

  const ops = createOpsServer({
    port: config.HTTP_PORT,
    registry: metrics.registry,
    logger,
    liveness: async () => {
      const now = Date.now();
      const consumers = { rewards: rewardsConsumer.health(), redemptions: redemptionsConsumer.health() };
      const ok = Object.values(consumers).every((h) => !h.crashed && now - h.lastActivityMs < config.LIVENESS_STALE_MS);
      return { ok, detail: { consumers } };
    },
    readiness: async () => {
      const consumers = { rewards: rewardsConsumer.health(), redemptions: redemptionsConsumer.health() };
      const mongo = connection.readyState === 1;
      const ok = mongo && Object.values(consumers).every((h) => h.joined && !h.degraded);
      return { ok, detail: { mongo, consumers } };
    },
  });

  let started = false;
  let stopped = false;
  return {
    metrics,
    models,
    topics,
    opsPort: () => ops.port(),
    health: () => ({ rewards: rewardsConsumer.health(), redemptions: redemptionsConsumer.health() }),
    async start(): Promise<void> {
      if (started) return;
      started = true;
      await ensureLedgerIndexes(models);
      await producer.connect();
      if (config.CREATE_TOPICS) {
        const admin = kafka.admin();
        await admin.connect();
        try {
          await ensureTopics(admin, [topics.rewards, topics.events, topics.rewardsDlq, topics.notifications], { partitions: config.TOPIC_PARTITIONS });
        } finally {
          await admin.disconnect();
        }
      }
      await ops.start();
      await rewardsConsumer.start();
      await redemptionsConsumer.start();
      logger.info({ topics }, 'fulfillment worker started');
    },
    async stop(): Promise<void> {
      if (!started || stopped) return;
      stopped = true;
      await redemptionsConsumer.stop();
      await rewardsConsumer.stop();
      await producer.disconnect();
      await ops.stop();
    },
  };
}

export type FulfillmentWorker = ReturnType<typeof createFulfillmentWorker>;
