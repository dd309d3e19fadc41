import { z } from 'zod';
import { envBool, envInt, envList, envLogLevel, parseEnv } from '@incentive/platform';

const DAY_MS = 86_400_000;

/** Optional variable: unset or empty (as in `.env.example`) both mean "not set". */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Every variable the scheduler reads. `.env.example` beside package.json lists the same names.
 * Durations are milliseconds.
 */
export const configSchema = z.object({
  /** Minimum log level (pino). */
  LOG_LEVEL: envLogLevel(),
  /** Human-readable logs; development only. */
  LOG_PRETTY: envBool(false),
  /** Kafka bootstrap servers, comma-separated host:port. */
  KAFKA_BROKERS: envList(),
  /** kafkajs client id, shows up in broker logs and quotas. */
  KAFKA_CLIENT_ID: z.string().min(1).default('incentive-scheduler'),
  /** Consumer group of the index consumer (the scheduler's own; never the rules worker's). */
  KAFKA_INDEX_GROUP_ID: z.string().min(1).default('incentive-scheduler-index'),
  /**
   * Transactional id of the clock-event producer. Every instance of one deployment uses the same
   * one: a new leader's producer fences the former leader's, so a paused ex-leader cannot publish.
   */
  KAFKA_TRANSACTIONAL_ID: z.string().min(1).default('incentive-scheduler-clock'),
  /**
   * One-partition topic (prefixed like the others, always created when missing: it belongs to the
   * scheduler) whose offset in group `<KAFKA_TRANSACTIONAL_ID>.progress` records the last tick
   * published, in the same Kafka transaction as the tick's events.
   */
  PROGRESS_TOPIC: z.string().regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only').default('incentive.scheduler.progress'),
  /** Consumer session timeout of the index consumer. */
  KAFKA_SESSION_TIMEOUT_MS: envInt(30_000, { min: 6_000 }),
  /** Prefix for the product topic names (`<prefix>incentive.events`); empty in production. */
  TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only').default(''),
  /** Partitions for topics created when missing (never changes existing ones). */
  TOPIC_PARTITIONS: envInt(12, { min: 1, max: 10_000 }),
  /** Create missing topics at start (tests, dev); production topics are managed by infra. */
  CREATE_TOPICS: envBool(true),
  /** Redis URL (redis://[:password@]host:port[/db]). */
  REDIS_URL: z.string().url(),
  /** Prefix prepended to every Redis key (tests, shared dev instances); hash tags stay inside the key. */
  REDIS_KEY_PREFIX: z.string().regex(/^[^{}]*$/, 'must not contain "{" or "}" (it would override the hash tags)').default(''),
  /** Directory with schedule.json (the whole ruleset is loaded and validated). */
  RULES_DIR: z.string().min(1).default('rules'),
  /**
   * Consumer group of the points-grant index (reads the rewards topic when schedule.json sets
   * pointsExpireAfterDays); default `<KAFKA_INDEX_GROUP_ID>.rewards`.
   */
  KAFKA_REWARDS_INDEX_GROUP_ID: optional(z.string().min(1)),
  /**
   * Days before points expire that the customer is notified (`points.expiring` on the notifications
   * topic); 0 turns the notice off. `pointsExpiryNoticeDays` in schedule.json, when present, wins.
   */
  POINTS_EXPIRY_NOTICE_DAYS: envInt(14, { min: 0, max: 3650 }),
  /** How many customers a monthly leaderboard rewards (`leaderboard.closed` events per month); 0 turns it off. */
  LEADERBOARD_TOP_N: envInt(10, { min: 0, max: 10_000 }),
  /** `system`: real time. `manual`: the clock only moves through POST /advance (demo, tests). */
  SCHEDULER_CLOCK: z.enum(['system', 'manual']).default('system'),
  /** Start instant of the manual clock (RFC 3339); required when SCHEDULER_CLOCK=manual. */
  SCHEDULER_CLOCK_START: optional(z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 date-time')),
  /** First tick date (YYYY-MM-DD) when no tick was ever completed; default: the next local midnight. */
  SCHEDULER_FIRST_TICK: optional(z.string().regex(DATE, 'must be YYYY-MM-DD')),
  /** Unique name of this instance in the lease (defaults to hostname-pid). */
  SCHEDULER_INSTANCE_ID: optional(z.string().regex(/^[^|]+$/, 'must not contain "|"')),
  /** Lease time-to-live; the leader renews it every poll and before every tick. */
  LEASE_TTL_MS: envInt(15_000, { min: 1_000 }),
  /** How often the loop looks for due ticks (and renews the lease); must be well below LEASE_TTL_MS. */
  POLL_MS: envInt(1_000, { min: 10 }),
  /** How long a tick waits for the indexes to catch up with the events topic before it is retried. */
  INDEX_CATCHUP_TIMEOUT_MS: envInt(30_000, { min: 100 }),
  /** How long an applied event id is remembered by the indexes (redelivery within it is a no-op). */
  INDEX_DEDUPE_WINDOW_MS: envInt(14 * DAY_MS, { min: 60_000 }),
  /** How long monthly spend and order months are kept (the month plus late refunds). */
  INDEX_KEEP_MS: envInt(400 * DAY_MS, { min: DAY_MS }),
  /** Read the events topic from the beginning when the index group has no committed offset. */
  KAFKA_FROM_BEGINNING: envBool(true),
  /** Port of /healthz, /readyz, /metrics (and POST /advance with the manual clock); 0 picks a free port. */
  HTTP_PORT: envInt(9466, { min: 0, max: 65_535 }),
  /** Liveness fails when the control loop has not run for this long. */
  LIVENESS_STALE_MS: envInt(60_000, { min: 1_000 }),
  /** Graceful shutdown budget. */
  SHUTDOWN_TIMEOUT_MS: envInt(25_000, { min: 1_000 }),
}).superRefine((c, ctx) => {
  if (c.SCHEDULER_CLOCK === 'manual' && c.SCHEDULER_CLOCK_START === undefined) {
    ctx.addIssue({ code: 'custom', path: ['SCHEDULER_CLOCK_START'], message: 'is required when SCHEDULER_CLOCK=manual' });
  }
  if (c.POLL_MS * 3 > c.LEASE_TTL_MS) {
    ctx.addIssue({ code: 'custom', path: ['POLL_MS'], message: `must be at most a third of LEASE_TTL_MS (${c.LEASE_TTL_MS})` });
  }
});

export type Config = z.output<typeof configSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  return parseEnv(configSchema, env, 'scheduler');
}
