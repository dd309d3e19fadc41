import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseRewardsTopicMessageJson } from '@incentive/events';
import type { Admin, Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import { ensureTopics, topicNames } from '@incentive/kafka';
import type { ScheduleConfig } from '@incentive/facts';
import { NonRetryableError, type Logger } from '@incentive/platform';
import { loadRuleset } from '@incentive/rules';
import type { Config } from './config.js';
import { createManualClock, createSystemClock, isManualClock, type Clock } from './core/clock.js';
import { createScheduler, type RunResult, type Scheduler } from './core/scheduler.js';
import { pointsGrantUpdateFor } from './core/index-update.js';
import { createClockPublisher } from './kafka/clock-publisher.js';
import { createIndexConsumer } from './kafka/index-consumer.js';
import { indexLag, topicWatermarks, type Watermarks } from './kafka/index-lag.js';
import { createOpsServer } from './ops/http-server.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { createControlStore } from './redis/control-store.js';
import { createIndexStore } from './redis/index-store.js';
import { createSchedulerKeys } from './redis/keys.js';

export interface SchedulerServiceDeps {
  config: Config;
  logger: Logger;
  kafka: Pick<Kafka, 'consumer' | 'producer' | 'admin'>;
  redis: Redis;
  /** Defaults from config: the system clock, or a manual clock at SCHEDULER_CLOCK_START. */
  clock?: Clock;
  /** Defaults to RULES_DIR's schedule.json (the ruleset must load). */
  schedule?: ScheduleConfig;
  metrics?: Metrics;
}

export function clockFromConfig(config: Config): Clock {
  return config.SCHEDULER_CLOCK === 'manual' ? createManualClock(new Date(config.SCHEDULER_CLOCK_START as string)) : createSystemClock();
}

async function scheduleFromRules(dir: string): Promise<ScheduleConfig> {
  const loaded = await loadRuleset(dir);
  if (!loaded.ok) {
    const first = loaded.problems.slice(0, 5).map((p) => `${p.file}:${p.pointer}: ${p.message}`).join('; ');
    throw new NonRetryableError(`RULES_DIR ${dir}: the rules do not load (${loaded.problems.length} problems): ${first}`);
  }
  return loaded.ruleset.schedule;
}

/**
 * Notice days of points expiry: `pointsExpiryNoticeDays` of schedule.json when present (a
 * non-negative integer, else the start is refused naming the field), else the env default.
 */
export function noticeDaysOf(rawSchedule: unknown, fallback: number): number {
  const v = rawSchedule !== null && typeof rawSchedule === 'object' ? (rawSchedule as Record<string, unknown>).pointsExpiryNoticeDays : undefined;
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 3650) {
    throw new NonRetryableError(`schedule.json: pointsExpiryNoticeDays must be an integer from 0 to 3650 (got ${JSON.stringify(v)})`);
  }
  return v;
}

async function noticeDaysFromRules(dir: string, fallback: number): Promise<number> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, 'schedule.json'), 'utf8'));
  } catch {
    return fallback; // the ruleset loader already refused an unreadable schedule
  }
  return noticeDaysOf(raw, fallback);
}

/**
 * Assembles the scheduler: index consumer (keeps the due-customer indexes), control loop (lease,
 * ticks, publishing) and ops server. Starts in that order, stops in reverse.
 */
export function createSchedulerService(deps: SchedulerServiceDeps) {
  const { config, logger, redis } = deps;
  const metrics = deps.metrics ?? createMetrics();
  const clock = deps.clock ?? clockFromConfig(config);
  const topicsByName = topicNames(config.TOPIC_PREFIX);
  const topic = topicsByName.events;
  const progressTopic = `${config.TOPIC_PREFIX}${config.PROGRESS_TOPIC}`;
  const keys = createSchedulerKeys(config.REDIS_KEY_PREFIX);
  const instanceId = config.SCHEDULER_INSTANCE_ID ?? `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const indexStore = createIndexStore(redis, keys, { appliedTtlMs: config.INDEX_DEDUPE_WINDOW_MS, keepMs: config.INDEX_KEEP_MS });
  const control = createControlStore(redis, keys);

  let admin: Admin | undefined;
  let scheduler: Scheduler | undefined;
  let consumer: ReturnType<typeof createIndexConsumer> | undefined;
  let grantsConsumer: ReturnType<typeof createIndexConsumer> | undefined;
  let started = false;

  const ops = createOpsServer({
    port: config.HTTP_PORT,
    registry: metrics.registry,
    logger,
    liveness: async () => {
      const st = scheduler?.status();
      const age = st ? Date.now() - st.lastLoopAt : Infinity;
      return { ok: age < config.LIVENESS_STALE_MS, detail: { loopAgeMs: Number.isFinite(age) ? age : null } };
    },
    readiness: async () => {
      const redisOk = (await redis.ping().catch(() => 'down')) === 'PONG';
      const consumerOk = (consumer?.isRunning() ?? false) && (grantsConsumer === undefined || grantsConsumer.isRunning());
      return { ok: redisOk && consumerOk, detail: { redis: redisOk, indexConsumer: consumerOk } };
    },
    state: async () => ({ instanceId, ...(scheduler?.status() ?? {}), lastTickStored: await control.lastTick() }),
    ...(isManualClock(clock) ? { advance: (to: Date) => advanceTo(to) } : {}),
  });

  async function advanceTo(to: Date): Promise<RunResult> {
    if (!scheduler) throw new Error('scheduler: not started');
    return scheduler.advanceTo(to);
  }

  return {
    metrics,
    clock,
    instanceId,
    async start(): Promise<void> {
      if (started) return;
      started = true;
      const schedule = deps.schedule ?? (await scheduleFromRules(config.RULES_DIR));
      // Points expiry runs when the rules give points an expiry (rewards then carry expiresAt).
      const expiryOn = schedule.pointsExpireAfterDays !== undefined;
      const noticeDays = deps.schedule ? noticeDaysOf(deps.schedule, config.POINTS_EXPIRY_NOTICE_DAYS) : await noticeDaysFromRules(config.RULES_DIR, config.POINTS_EXPIRY_NOTICE_DAYS);
      if (redis.status === 'wait') await redis.connect();
      const a = deps.kafka.admin();
      admin = a;
      await a.connect();
      if (config.CREATE_TOPICS) await ensureTopics(a, expiryOn ? [topic, topicsByName.rewards, topicsByName.notifications] : [topic], { partitions: config.TOPIC_PARTITIONS });
      await ensureTopics(a, [progressTopic], { partitions: 1 });

      consumer = createIndexConsumer({
        kafka: deps.kafka,
        topic,
        groupId: config.KAFKA_INDEX_GROUP_ID,
        timeZone: schedule.timezone,
        fromBeginning: config.KAFKA_FROM_BEGINNING,
        sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
        store: indexStore,
        logger,
        onOutcome: (outcome, n) => metrics.indexEvents.inc({ outcome }, n),
      });
      const grantsGroup = config.KAFKA_REWARDS_INDEX_GROUP_ID ?? `${config.KAFKA_INDEX_GROUP_ID}.rewards`;
      // A tick waits for both indexes: the rewards snapshot is taken with the events one.
      let grantsTarget: Watermarks | undefined;
      if (expiryOn) {
        // Points grants (rewards with expiresAt), read from the rewards topic in a group of our own.
        grantsConsumer = createIndexConsumer({
          kafka: deps.kafka,
          topic: topicsByName.rewards,
          groupId: grantsGroup,
          timeZone: schedule.timezone,
          fromBeginning: config.KAFKA_FROM_BEGINNING,
          sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
          store: indexStore,
          logger,
          updateFor: (value) => {
            const parsed = parseRewardsTopicMessageJson(value);
            // Fulfillment dead-letters what it cannot read; the index skips it.
            return parsed.ok ? pointsGrantUpdateFor(parsed.value) : 'invalid';
          },
          onOutcome: (outcome, n) => metrics.indexEvents.inc({ outcome }, n),
        });
      }
      // Both groups join concurrently (a join can take seconds on a busy broker).
      await Promise.all([consumer.start(), grantsConsumer?.start()]);

      scheduler = createScheduler({
        clock,
        schedule,
        control,
        index: indexStore,
        publisher: createClockPublisher({
          kafka: deps.kafka,
          admin: a,
          topic,
          rewardsTopic: topicsByName.rewards,
          notificationsTopic: topicsByName.notifications,
          transactionalId: config.KAFKA_TRANSACTIONAL_ID,
          progressTopic,
          progressGroupId: `${config.KAFKA_TRANSACTIONAL_ID}.progress`,
        }),
        indexTarget: async () => {
          if (expiryOn) grantsTarget = await topicWatermarks(a, topicsByName.rewards);
          return topicWatermarks(a, topic);
        },
        indexLag: async (target) =>
          (await indexLag(a, topic, config.KAFKA_INDEX_GROUP_ID, target)) + (grantsTarget ? await indexLag(a, topicsByName.rewards, grantsGroup, grantsTarget) : 0),
        logger,
        instanceId,
        leaseTtlMs: config.LEASE_TTL_MS,
        pollMs: config.POLL_MS,
        indexCatchupTimeoutMs: config.INDEX_CATCHUP_TIMEOUT_MS,
        leaderboardTopN: config.LEADERBOARD_TOP_N,
        ...(expiryOn ? { pointsExpiry: { noticeDays } } : {}),
        ...(config.SCHEDULER_FIRST_TICK !== undefined ? { firstTick: config.SCHEDULER_FIRST_TICK } : {}),
        onTick: (s) => {
          metrics.ticks.inc();
          metrics.lastTick.set(Date.parse(s.at) / 1000);
          if (s.birthday > 0) metrics.clockEvents.inc({ type: 'birthday' }, s.birthday);
          if (s.inactivity > 0) metrics.clockEvents.inc({ type: 'inactivity' }, s.inactivity);
          if (s.leaderboard > 0) metrics.clockEvents.inc({ type: 'leaderboard.closed' }, s.leaderboard);
          if (s.expiry > 0) metrics.clockEvents.inc({ type: 'points.expire' }, s.expiry);
          if (s.expiryNotice > 0) metrics.clockEvents.inc({ type: 'points.expiring' }, s.expiryNotice);
        },
        onLeadership: (leader) => metrics.leader.set(leader ? 1 : 0),
        onError: () => metrics.runErrors.inc(),
      });
      await scheduler.start();
      await ops.start();
      logger.info({ instanceId, topic, timezone: schedule.timezone, clock: isManualClock(clock) ? 'manual' : 'system' }, 'scheduler started');
    },
    async stop(): Promise<void> {
      if (!started) return;
      started = false;
      await ops.stop();
      await scheduler?.stop();
      await grantsConsumer?.stop();
      await consumer?.stop();
      await admin?.disconnect();
      scheduler = undefined;
      consumer = undefined;
      grantsConsumer = undefined;
      admin = undefined;
    },
    advanceTo,
    /** Runs the ticks due at the clock's current time (what the loop does every POLL_MS). */
    runDue(): Promise<RunResult> {
      if (!scheduler) throw new Error('scheduler: not started');
      return scheduler.runDue();
    },
    status: () => scheduler?.status(),
    port: () => ops.port(),
  };
}

export type SchedulerService = ReturnType<typeof createSchedulerService>;
