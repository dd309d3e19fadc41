import type { WriteStream } from 'node:fs';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { Redis } from 'ioredis';
import mongoose, { type Connection } from 'mongoose';
import { ensureTopics } from '@incentive/kafka';
import type { IncentiveEvent } from '@incentive/events';
import { createSchedulerClock, type SchedulerClock } from './scheduler-clock.js';
import { publishEvents } from './publish-events.js';
import { waitForQuiescence, groupLag, type QuiescenceState } from './quiescence.js';
import type { RetailSlice, SliceDay } from './retail-slice.js';
import { serviceEnv, type RunContext } from './run-context.js';
import { spawnService, waitReady, type ServiceName, type ServiceProcess } from './service-process.js';

export interface PipelineOptions {
  ctx: RunContext;
  partitions: number;
  /** Service logs go here, one prefixed line each (the demo); otherwise kept in memory. */
  log?: WriteStream;
  logLevel?: string;
  /** Extra env per service (tests: smaller chunks, shorter timeouts). */
  extraEnv?: Partial<Record<ServiceName, Record<string, string>>>;
}

export interface ReplayProgress {
  published: number;
  total: number;
  date: string;
  day: number;
  days: number;
}

/**
 * One run of the whole product against real Kafka, Redis and MongoDB: the run's topics, the three
 * services as child processes, a producer for the events topic, and read-only clients for the
 * reports. Used by the demo and by the end-to-end tests.
 */
export interface Pipeline {
  readonly ctx: RunContext;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly redis: Redis;
  readonly mongo: Connection;
  readonly services: readonly ServiceProcess[];
  readonly clock: SchedulerClock;
  /** Creates the run's topics and connects the clients. */
  setup(): Promise<void>;
  /** Starts a service (the scheduler with its test clock at `clockStart`) and waits for /readyz. */
  start(name: ServiceName, options?: { label?: string; clockStart?: string; extra?: Record<string, string> }): Promise<ServiceProcess>;
  publish(events: readonly IncentiveEvent[], onProgress?: (published: number) => void): Promise<number>;
  /**
   * Replays a slice day by day: for each day after the first, waits until the scheduler's indexes
   * hold every earlier event, moves its clock to that day's local midnight and waits for the tick to
   * complete (its clock events are then on the topic, ahead of the day's events), then publishes the
   * day's events. This is the order in which `simulate --clock daily` sees them.
   */
  replay(
    slice: RetailSlice,
    options?: {
      clock?: boolean;
      onProgress?: (p: ReplayProgress) => void;
      /** Rewrites a day's events just before they are published (the demo's coupon redemptions). */
      transform?: (events: readonly IncentiveEvent[]) => IncentiveEvent[];
      /** Stops the replay at the next day boundary (Ctrl-C in the demo). */
      signal?: AbortSignal;
      /** Runs before the tick of `day` (tests: kill or restart a scheduler here). */
      beforeTick?: (day: SliceDay, index: number) => Promise<void>;
    },
  ): Promise<void>;
  /** Waits until rules-engine, scheduler index and fulfillment have no lag and the counters are stable. */
  waitQuiescent(options?: { counters?: Record<string, () => Promise<number>>; timeoutMs?: number; onPoll?: (s: QuiescenceState) => void }): Promise<QuiescenceState>;
  /** Description of the first service that died unexpectedly, if any. */
  failure(): string | undefined;
  /** Stops the services (reverse start order, SIGTERM then SIGKILL) and disconnects. Idempotent. */
  stop(): Promise<void>;
  /** Deletes the run's topics, Redis keys and database (tests; the demo keeps them unless asked). */
  destroy(): Promise<void>;
}

export function createPipeline(options: PipelineOptions): Pipeline {
  const { ctx } = options;
  const kafka = new Kafka({ brokers: ctx.urls.kafkaBrokers.split(','), clientId: `${ctx.runId}-driver`, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  const redis = new Redis(ctx.urls.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on('error', () => undefined);
  // Opened in setup(): a pipeline that is only destroyed (or fails early) holds no connection.
  const mongo = mongoose.createConnection();
  const services: ServiceProcess[] = [];
  const expectedExit = new Set<ServiceProcess>();
  const clock = createSchedulerClock({ ctx, redis, services: () => services.filter((s) => s.label.startsWith('scheduler') && !expectedExit.has(s)) });
  let connected = false;
  let stopped: Promise<void> | undefined;

  const failure = (): string | undefined => {
    for (const s of services) {
      const exit = s.exitedWith();
      if (exit !== undefined && !expectedExit.has(s)) return `${s.label} exited (${exit}):\n${s.tail()}`;
    }
    return undefined;
  };

  const running = (name: ServiceName) => services.some((s) => s.label.startsWith(name));
  const stages = () => [
    ...(running('scheduler') ? [{ groupId: ctx.groups.scheduler, topic: ctx.topics.events }] : []),
    { groupId: ctx.groups.rulesEngine, topic: ctx.topics.events },
    ...(running('fulfillment')
      ? [
          { groupId: ctx.groups.redemptions, topic: ctx.topics.events },
          { groupId: ctx.groups.fulfillment, topic: ctx.topics.rewards },
        ]
      : []),
  ];

  const pipeline: Pipeline = {
    ctx,
    kafka,
    admin,
    redis,
    mongo,
    services,
    clock,
    async setup() {
      await admin.connect();
      await ensureTopics(admin, Object.values(ctx.topics), { partitions: options.partitions });
      await producer.connect();
      await redis.connect();
      await mongo.openUri(ctx.mongoDbUrl, { serverSelectionTimeoutMS: 10_000 });
      connected = true;
    },
    async start(name, startOptions = {}) {
      const env = serviceEnv(ctx, name, {
        logLevel: options.logLevel ?? 'info',
        ...(startOptions.clockStart ? { clockStart: startOptions.clockStart } : {}),
        extra: { ...options.extraEnv?.[name], ...startOptions.extra },
      });
      const service = await spawnService({ name, label: startOptions.label ?? name, env, ...(options.log ? { log: options.log } : {}) });
      services.push(service);
      // A process we stopped or killed on purpose is not a failure.
      const stop = service.stop.bind(service);
      const kill = service.kill.bind(service);
      service.stop = (t) => (expectedExit.add(service), stop(t));
      service.kill = () => (expectedExit.add(service), kill());
      await waitReady(service);
      return service;
    },
    publish(events, onProgress) {
      return publishEvents(producer, ctx.topics.events, events, onProgress ? { onProgress } : {});
    },
    async replay(slice, replayOptions = {}) {
      const { onProgress } = replayOptions;
      const withClock = replayOptions.clock ?? true;
      let published = 0;
      const total = slice.events.length;
      for (let i = 0; i < slice.days.length; i++) {
        const day = slice.days[i]!;
        replayOptions.signal?.throwIfAborted();
        if (i > 0 && withClock) {
          await replayOptions.beforeTick?.(day, i);
          await waitForQuiescence({
            admin,
            stages: [{ groupId: ctx.groups.scheduler, topic: ctx.topics.events }],
            stablePolls: 1,
            intervalMs: 50,
            failed: failure,
          });
          await clock.advanceTo(new Date(day.startMs), day.date, failure);
        }
        const events = replayOptions.transform ? replayOptions.transform(day.events) : day.events;
        published += await publishEvents(producer, ctx.topics.events, events, {
          onProgress: (n) => onProgress?.({ published: published + n, total, date: day.date, day: i + 1, days: slice.days.length }),
        });
        onProgress?.({ published, total, date: day.date, day: i + 1, days: slice.days.length });
      }
    },
    waitQuiescent(waitOptions = {}) {
      return waitForQuiescence({
        admin,
        stages: stages(),
        counters: waitOptions.counters ?? {},
        timeoutMs: waitOptions.timeoutMs ?? 300_000,
        failed: failure,
        ...(waitOptions.onPoll ? { onPoll: waitOptions.onPoll } : {}),
      });
    },
    failure,
    stop() {
      stopped ??= (async () => {
        for (const s of [...services].reverse()) await s.stop();
        if (connected) {
          await producer.disconnect().catch(() => undefined);
          await admin.disconnect().catch(() => undefined);
          redis.disconnect();
          await mongo.close().catch(() => undefined);
        }
      })();
      return stopped;
    },
    async destroy() {
      const cleaner = new Kafka({ brokers: ctx.urls.kafkaBrokers.split(','), clientId: `${ctx.runId}-cleanup`, logLevel: logLevel.NOTHING });
      const a = cleaner.admin();
      await a.connect();
      try {
        // Every topic of the run: the product topics and any a service adds under the same prefix
        // (the scheduler's progress topic).
        const topics = (await a.listTopics()).filter((t) => t.startsWith(ctx.topicPrefix));
        if (topics.length > 0) await a.deleteTopics({ topics }).catch(() => undefined);
        await a.deleteGroups(Object.values(ctx.groups)).catch(() => undefined);
      } finally {
        await a.disconnect();
      }
      const r = new Redis(ctx.urls.redisUrl);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await r.scan(cursor, 'MATCH', `${ctx.redisKeyPrefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await r.del(...keys);
        } while (cursor !== '0');
      } finally {
        r.disconnect();
      }
      const m = mongoose.createConnection(ctx.mongoDbUrl, { serverSelectionTimeoutMS: 10_000 });
      try {
        await m.asPromise();
        await m.dropDatabase();
      } finally {
        await m.close();
      }
    },
  };
  return pipeline;
}

export { groupLag };
