import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { trackGroupMembership, type GroupMembership } from '@incentive/kafka';
import type { Logger } from '@incentive/platform';
import type { Metrics } from '../ops/metrics.js';

export interface ConsumerHealth extends GroupMembership {
  /** A dependency is down and at least one partition is paused. */
  degraded: boolean;
}

export interface ChunkConsumerDeps {
  name: string;
  consumer: Consumer;
  topic: string;
  fromBeginning: boolean;
  chunkSize: number;
  partitionsConsumedConcurrently: number;
  retry: { initialMs: number; maxMs: number };
  logger: Logger;
  metrics: Metrics;
  /** Processes one chunk of one partition completely (idempotent: it may run again after a failure). */
  handleChunk(topic: string, partition: number, messages: KafkaMessage[]): Promise<void>;
  /** After a rebalance: cached per-customer state may be stale. */
  onRebalance?(): void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * eachBatch loop shared by the rewards and redemptions consumers: chunk, process, commit. A failing
 * chunk pauses its partition (no new fetches), is retried with backoff while heartbeating, and is
 * never committed until it succeeded; when the worker stops or loses the partition meanwhile, the
 * chunk stays uncommitted and is redelivered to whoever owns the partition next.
 */
export function createChunkConsumer(deps: ChunkConsumerDeps) {
  const { consumer, metrics, name } = deps;
  const log = deps.logger.child({ component: `${name}-consumer` });
  const { membership, touch } = trackGroupMembership(consumer, { log, onJoin: deps.onRebalance });
  let degraded = false;
  let paused = 0;
  let started = false;
  let stopping = false;

  async function handleBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const plog = log.child({ topic: batch.topic, partition: batch.partition });
    let resume: (() => void) | undefined;
    try {
      for (let start = 0; start < batch.messages.length; start += deps.chunkSize) {
        if (!p.isRunning() || p.isStale()) return;
        const chunk = batch.messages.slice(start, start + deps.chunkSize);
        const last = chunk[chunk.length - 1]!;
        const began = performance.now();
        for (let attempt = 1; ; attempt++) {
          try {
            await whileHeartbeating(p, () => deps.handleChunk(batch.topic, batch.partition, chunk));
            break;
          } catch (err) {
            metrics.transientFailures.inc({ consumer: name });
            if (!resume) {
              resume = p.pause();
              paused++;
              degraded = true;
              metrics.pausedPartitions.inc({ consumer: name });
            }
            const base = Math.min(deps.retry.maxMs, deps.retry.initialMs * 2 ** Math.min(attempt - 1, 20));
            const delay = Math.round(base / 2 + Math.random() * (base / 2));
            plog.warn({ err, attempt, delayMs: delay, firstOffset: chunk[0]!.offset }, 'chunk failed, partition paused, retrying');
            touch();
            await sleep(delay);
            if (!p.isRunning() || p.isStale()) return;
            await p.heartbeat();
          }
        }
        if (resume) {
          resume();
          resume = undefined;
          if (--paused === 0) degraded = false;
          metrics.pausedPartitions.dec({ consumer: name });
          plog.info({}, 'partition resumed');
        }
        p.resolveOffset(last.offset);
        await p.commitOffsetsIfNecessary();
        metrics.chunkDuration.observe({ consumer: name }, (performance.now() - began) / 1000);
        const lag = Number(BigInt(batch.highWatermark) - BigInt(last.offset) - 1n);
        metrics.consumerLag.set({ consumer: name, partition: String(batch.partition) }, Math.max(0, lag));
        await p.heartbeat();
      }
    } finally {
      if (resume) {
        resume();
        if (--paused === 0) degraded = false;
        metrics.pausedPartitions.dec({ consumer: name });
      }
    }
  }

  return {
    health(): ConsumerHealth {
      return { ...membership, degraded };
    },
    async start(): Promise<void> {
      if (started) return;
      started = true;
      await consumer.connect();
      await consumer.subscribe({ topics: [deps.topic], fromBeginning: deps.fromBeginning });
      await consumer.run({
        autoCommit: true,
        autoCommitThreshold: 1,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: deps.partitionsConsumedConcurrently,
        eachBatch: handleBatch,
      });
    },
    /** Stops fetching, lets the running chunk finish and commit, leaves the group. */
    async stop(): Promise<void> {
      if (!started || stopping) return;
      stopping = true;
      await consumer.stop();
      await consumer.disconnect();
      membership.joined = false;
    },
  };
}

export type ChunkConsumer = ReturnType<typeof createChunkConsumer>;

/**
 * kafkajs heartbeats only when the handler calls heartbeat(). A chunk on a slow MongoDB (FerretDB
 * scans on updates) can outlast the session timeout, which would cost the partition mid-chunk, so
 * keep the membership alive while the chunk runs. heartbeat() itself only sends once per
 * heartbeatInterval; a failure (e.g. a rebalance started) is left for the batch loop's isStale().
 */
async function whileHeartbeating<T>(p: Pick<EachBatchPayload, 'heartbeat'>, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => {
    p.heartbeat().catch(() => undefined);
  }, KEEPALIVE_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

const KEEPALIVE_MS = 1_000;
