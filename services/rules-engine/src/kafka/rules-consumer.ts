import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, EachBatchPayload, IHeaders, KafkaMessage, Message, Producer, TopicMessages } from 'kafkajs';
import { DEAD_LETTER_HEADERS, trackGroupMembership, type GroupMembership } from '@incentive/kafka';
import type { Logger } from '@incentive/platform';
import type { ChunkResult, ConsumedMessage, DeadLetter } from '../chunk-processor.js';
import type { Metrics } from '../ops/metrics.js';
import { createTickBatcher } from '../tick-batcher.js';

export interface Topics {
  events: string;
  rewards: string;
  eventsDlq: string;
}

export interface RulesConsumerDeps {
  consumer: Pick<Consumer, 'connect' | 'subscribe' | 'run' | 'stop' | 'disconnect' | 'on' | 'events'>;
  producer: Pick<Producer, 'connect' | 'disconnect' | 'sendBatch'>;
  processChunk: (topic: string, partition: number, messages: ConsumedMessage[]) => Promise<ChunkResult>;
  markPublished: (entries: ChunkResult['toMarkPublished']) => Promise<void>;
  topics: Topics;
  chunkSize: number;
  partitionsConsumedConcurrently: number;
  /** 0: commit after every chunk (awaited); otherwise at most this often, in the background (acknowledged chunks only). */
  commitIntervalMs: number;
  fromBeginning: boolean;
  retry: { initialMs: number; maxMs: number };
  metrics: Metrics;
  logger: Logger;
  /** The consumer crashed and kafkajs will not restart it: the process should exit (and be restarted). */
  onFatal?: (err: unknown) => void;
  /** Test hook run after processing, before publishing (simulates a slow batch). */
  beforePublish?: () => Promise<void>;
}

export interface ConsumerHealth extends GroupMembership {
  /** Rebalances that started while this member was inside a batch. */
  rebalancesDuringBatch: number;
}

const MAX_ERROR_MESSAGE_CHARS = 4000;

function deadLetterMessage(topic: string, partition: number, d: DeadLetter): Message {
  const headers: IHeaders = {
    ...(d.headers as IHeaders | undefined),
    [DEAD_LETTER_HEADERS.originTopic]: topic,
    [DEAD_LETTER_HEADERS.originPartition]: String(partition),
    [DEAD_LETTER_HEADERS.originOffset]: d.offset,
    [DEAD_LETTER_HEADERS.errorCode]: d.code,
    [DEAD_LETTER_HEADERS.errorMessage]: d.message.slice(0, MAX_ERROR_MESSAGE_CHARS),
  };
  return { key: d.key, value: d.value, headers };
}

/**
 * The consumer loop. Per fetched batch, per chunk: process (facts and limits in Redis), publish the
 * outbox and dead letters in one acknowledged `sendBatch` (idempotent producer, acks=all), mark the
 * outbox published, then commit the chunk's offsets. A transient failure pauses the partition and
 * retries the same chunk with backoff (heartbeating, so the group keeps us) until it succeeds or
 * the consumer stops; offsets never move past unprocessed work.
 */
export function createRulesConsumer(deps: RulesConsumerDeps) {
  const { consumer, producer, topics, metrics } = deps;
  const log = deps.logger.child({ component: 'rules-consumer' });
  const { membership, touch } = trackGroupMembership(consumer, {
    log,
    onCrash: (err, restart) => {
      if (!restart) deps.onFatal?.(err);
    },
  });
  let rebalancesDuringBatch = 0;
  const REBALANCE_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION']);

  /**
   * kafkajs learns of a rebalance from a heartbeat; inside a batch that call throws and kafkajs
   * rejoins. Before that, the acknowledged chunks' offsets are committed (after their "published"
   * marks, so whoever gets the partition next finds them published). Counted for operators and tests.
   */
  async function heartbeatInBatch(p: EachBatchPayload): Promise<void> {
    try {
      await p.heartbeat();
    } catch (err) {
      if (REBALANCE_ERRORS.has((err as { type?: string }).type ?? '')) {
        rebalancesDuringBatch += 1;
        await Promise.all(pendingMarks);
        await commitAcknowledged().catch((e: unknown) => log.warn({ err: e }, 'offset commit before rejoining failed; the next owner redoes those events (idempotent)'));
      }
      throw err;
    }
  }
  let started = false;
  let stopping = false;

  /**
   * Offset commits. kafkajs' autoCommit commits after every batch, a coordinator round trip that
   * ended every fetch cycle (all partitions of a broker are fetched together, and fetched again only
   * when every one of their batches is done): 16 ms on average in the latency benchmark. So the
   * worker commits itself what kafkajs has resolved (acknowledged chunks, and control records or
   * aborted messages kafkajs skips on its own), at most every `commitIntervalMs`, in the background
   * (0: after every chunk, awaited), before rejoining on a rebalance and on stop. kafkajs' offset
   * manager only holds the current assignment's offsets. A commit that fails or never happens only
   * means a longer redelivery, which is idempotent.
   */
  let committer: Pick<EachBatchPayload, 'uncommittedOffsets' | 'commitOffsetsIfNecessary'> | null = null;
  let lastCommitAt = Date.now();
  let commitInFlight: Promise<void> | null = null;
  let trailingCommit: NodeJS.Timeout | null = null;

  async function commitAcknowledged(): Promise<void> {
    if (committer === null) return;
    const offsets = committer.uncommittedOffsets();
    if (offsets.topics.length === 0) return;
    await committer.commitOffsetsIfNecessary(offsets);
  }

  function commitInBackground(): void {
    const wait = lastCommitAt + deps.commitIntervalMs - Date.now();
    if (commitInFlight !== null || wait > 0) {
      // Too early (or one is running): commit once the interval is over, so that the last chunks
      // before a quiet spell are committed too (lag, and operators' tools, read committed offsets).
      trailingCommit ??= setTimeout(
        () => {
          trailingCommit = null;
          if (!stopping) commitInBackground();
        },
        Math.max(wait, 10),
      ).unref();
      return;
    }
    lastCommitAt = Date.now();
    commitInFlight = commitAcknowledged()
      .catch((err: unknown) => log.warn({ err }, 'background offset commit failed; retried at the next interval'))
      .finally(() => {
        commitInFlight = null;
      });
  }

  /**
   * "Published" marks run in the background: once Kafka acknowledged a chunk's outbox, its offsets
   * are resolved and the partition moves on without waiting for the mark's Redis round trip. The
   * mark only spares a redelivery the re-publication of an outbox Kafka already has (identical
   * copies, same rewardIds; see the README): a redelivery needs a crash or a lost partition before
   * the offsets are committed, and the window for it is the same round trip either way. A failed
   * mark is retried with backoff; `stop` waits for the pending ones. At most MAX_PENDING_MARKS are
   * in flight: beyond that the partition waits, so a Redis outage cannot pile them up.
   */
  const pendingMarks = new Set<Promise<void>>();
  const MAX_PENDING_MARKS = 64;
  function markInBackground(entries: ChunkResult['toMarkPublished'], plog: Logger): Promise<void> {
    const run = (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await deps.markPublished(entries);
          return;
        } catch (err) {
          metrics.transientFailures.inc({ stage: 'mark' });
          // Stopping: one last try was made; the records stay unpublished (bounded re-publication).
          if (stopping && attempt > 1) {
            plog.warn({ err, events: entries.length }, 'published mark abandoned at shutdown');
            return;
          }
          const delay = Math.min(deps.retry.maxMs, deps.retry.initialMs * 2 ** Math.min(attempt - 1, 20));
          plog.warn({ err, attempt, delayMs: delay }, 'published mark failed, retrying');
          await sleep(delay);
        }
      }
    })();
    pendingMarks.add(run);
    void run.finally(() => pendingMarks.delete(run));
    return run;
  }

  consumer.on(consumer.events.END_BATCH_PROCESS, () => {
    touch();
    // Also after batches kafkajs resolved without us (only control records, e.g. a transaction marker).
    if (started && !stopping && deps.commitIntervalMs > 0) commitInBackground();
  });

  async function publish(partition: number, result: ChunkResult): Promise<void> {
    const rewards: Message[] = [];
    const derived: Message[] = [];
    for (const m of result.outbox) (m.topic === 'rewards' ? rewards : derived).push({ key: m.key, value: m.value });
    const dlq = result.deadLetters.map((d) => deadLetterMessage(topics.events, partition, d));
    const topicMessages = [
      { topic: topics.rewards, messages: rewards },
      { topic: topics.events, messages: derived },
      { topic: topics.eventsDlq, messages: dlq },
    ].filter((t) => t.messages.length > 0);
    if (topicMessages.length > 0) await sendInTurn(topicMessages);
  }

  /**
   * The sends of this member's partitions in one turn of the event loop leave as one `sendBatch`
   * (one produce request per broker): the idempotent producer has one request in flight, so
   * separate sends would queue behind each other. Order within each partition's messages is kept.
   */
  const sendInTurn = createTickBatcher(async (parts: TopicMessages[][]) => {
    const byTopic = new Map<string, Message[]>();
    for (const part of parts) {
      for (const t of part) {
        const list = byTopic.get(t.topic);
        if (list) list.push(...t.messages);
        else byTopic.set(t.topic, [...t.messages]);
      }
    }
    await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), acks: -1 });
    return parts.map(() => undefined);
  });

  async function handleBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    committer = p;
    const plog = log.child({ topic: batch.topic, partition: batch.partition });
    let resume: (() => void) | undefined;

    /**
     * Runs one stage until it succeeds. A failure pauses the partition (no new fetches for it) and
     * retries with backoff, heartbeating so the group keeps the partition here. Returns false when
     * the consumer is stopping or lost the partition: the chunk stays uncommitted and is redelivered.
     */
    async function stage<T>(name: string, firstOffset: string, fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
      for (let attempt = 1; ; attempt++) {
        try {
          return { ok: true, value: await fn() };
        } catch (err) {
          metrics.transientFailures.inc({ stage: name });
          if (!resume) {
            resume = p.pause();
            metrics.pausedPartitions.inc();
          }
          const base = Math.min(deps.retry.maxMs, deps.retry.initialMs * 2 ** Math.min(attempt - 1, 20));
          const delay = Math.round(base / 2 + Math.random() * (base / 2));
          plog.warn({ err, stage: name, attempt, delayMs: delay, firstOffset }, 'chunk stage failed, partition paused, retrying');
          touch();
          await sleep(delay);
          if (!p.isRunning() || p.isStale()) return { ok: false };
          // Throws when the group is rebalancing; kafkajs then rejoins and the chunk is redelivered.
          await heartbeatInBatch(p);
        }
      }
    }

    /**
     * Publishes a processed chunk and resolves its offsets. Runs while the next chunk is processed:
     * the send is a broker round trip that would otherwise sit on every chunk's critical path.
     * Chunks still finish in order (the caller awaits the previous one first). Resolves false when
     * the consumer is stopping or lost the partition.
     */
    async function finish(chunk: KafkaMessage[], result: ChunkResult, began: number): Promise<boolean> {
      const first = chunk[0]!.offset;
      const last = chunk[chunk.length - 1]!;
      if (deps.beforePublish) await deps.beforePublish();
      if (!(await stage('publish', first, () => publish(batch.partition, result))).ok) return false;
      if (result.toMarkPublished.length > 0) {
        if (pendingMarks.size >= MAX_PENDING_MARKS) await Promise.race(pendingMarks);
        void markInBackground(result.toMarkPublished, plog);
      }
      if (resume) {
        resume();
        resume = undefined;
        metrics.pausedPartitions.dec();
        plog.info({}, 'partition resumed');
      }
      const counts = new Map<string, number>();
      for (const o of result.outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
      for (const [outcome, n] of counts) metrics.eventsProcessed.inc({ outcome }, n);
      // Resolving moves kafkajs' fetch position; the commit is ours (see commitAcknowledged).
      p.resolveOffset(last.offset);
      if (deps.commitIntervalMs === 0) await commitAcknowledged();
      else commitInBackground();
      const now = Date.now();
      for (const m of chunk) metrics.eventLatency.observe(Math.max(0, now - Number(m.timestamp)) / 1000);
      metrics.chunkDuration.observe((performance.now() - began) / 1000);
      const lag = Number(BigInt(batch.highWatermark) - BigInt(last.offset) - 1n);
      metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, Math.max(0, lag));
      await heartbeatInBatch(p);
      return true;
    }

    // The previous chunk's publish, running while this one is processed. Its failure (a rebalance
    // seen by the heartbeat, a failed offset commit) is kept and rethrown once nothing else runs.
    let finishing: Promise<boolean> = Promise.resolve(true);
    let failure: { err: unknown } | undefined;
    const track = (run: Promise<boolean>) =>
      run.catch((err: unknown) => {
        failure ??= { err };
        return false;
      });
    try {
      for (let start = 0; start < batch.messages.length; start += deps.chunkSize) {
        if (!p.isRunning() || p.isStale()) break;
        const chunk = batch.messages.slice(start, start + deps.chunkSize);
        const began = performance.now();
        // Stages are retried separately: once Kafka acknowledged the outbox, only the "published"
        // mark is retried, so a Redis outage after the send does not publish the chunk twice.
        // Processing a chunk while the previous one is being published is safe: its facts commit
        // holds its outbox, so if the partition is lost before its own publish, the next owner
        // re-publishes that outbox (see the README, delivery semantics).
        const processed = await stage('process', chunk[0]!.offset, () => deps.processChunk(batch.topic, batch.partition, chunk));
        if (!(await finishing) || !processed.ok) {
          finishing = Promise.resolve(false);
          break;
        }
        finishing = track(finish(chunk, processed.value, began));
      }
      await finishing;
      if (failure) throw failure.err;
      // Stopping: commit before kafkajs leaves the group (it waits for this batch first).
      if (stopping) await commitAcknowledged();
    } finally {
      if (resume) {
        resume();
        metrics.pausedPartitions.dec();
      }
    }
  }

  return {
    health(): ConsumerHealth {
      return { ...membership, rebalancesDuringBatch };
    },
    async start(): Promise<void> {
      if (started) return;
      started = true;
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [topics.events], fromBeginning: deps.fromBeginning });
      await consumer.run({
        // The worker commits acknowledged chunks itself (commitAcknowledged).
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: deps.partitionsConsumedConcurrently,
        eachBatch: handleBatch,
      });
    },
    /** Stops fetching, lets the running batch finish its chunk and commit, leaves the group. */
    async stop(): Promise<void> {
      if (!started || stopping) return;
      stopping = true;
      if (trailingCommit !== null) clearTimeout(trailingCommit);
      // What is acknowledged now; a batch still running commits its own chunks when it ends.
      await commitInFlight;
      await commitAcknowledged().catch((err: unknown) => log.warn({ err }, 'offset commit at stop failed; those events are redelivered (idempotent)'));
      await consumer.stop();
      await Promise.all(pendingMarks);
      await consumer.disconnect();
      await producer.disconnect();
      membership.joined = false;
    },
  };
}

export type RulesConsumer = ReturnType<typeof createRulesConsumer>;
