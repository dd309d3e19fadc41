import { z } from 'zod';
import { envBool, envInt, envList, envLogLevel, parseEnv } from '@incentive/platform';

const DAY_MS = 86_400_000;

/**
 * Every variable the rules worker reads. `.env.example` beside package.json lists the same names.
 * Durations are milliseconds so operators never have to guess a unit.
 */
export const configSchema = z.object({
  /** Minimum log level (pino). */
  LOG_LEVEL: envLogLevel(),
  /** Human-readable logs; development only, it costs throughput. */
  LOG_PRETTY: envBool(false),
  /** Kafka bootstrap servers, comma-separated host:port. */
  KAFKA_BROKERS: envList(),
  /** kafkajs client id, shows up in broker logs and quotas. */
  KAFKA_CLIENT_ID: z.string().min(1).default('incentive-rules-engine'),
  /** Consumer group; every worker of one deployment shares it, partitions are spread among them. */
  KAFKA_GROUP_ID: z.string().min(1).default('incentive-rules-engine'),
  /** Prefix for the product topic names (`<prefix>incentive.events`, ...); empty in production. */
  TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only').default(''),
  /** Partitions for topics this worker creates when they are missing (never changes existing ones). */
  TOPIC_PARTITIONS: envInt(12, { min: 1, max: 10_000 }),
  /** Create missing topics at start (tests, dev); production topics are managed by infra. */
  CREATE_TOPICS: envBool(true),
  /** Read from the earliest offset when the group has no committed offset yet. */
  KAFKA_FROM_BEGINNING: envBool(true),
  /** Consumer session timeout: a worker that does not heartbeat for this long loses its partitions. */
  KAFKA_SESSION_TIMEOUT_MS: envInt(30_000, { min: 6_000 }),
  /** How long the group waits for members to finish their batch during a rebalance. */
  KAFKA_REBALANCE_TIMEOUT_MS: envInt(60_000, { min: 6_000 }),
  /** Heartbeat period; must be well below the session timeout. */
  KAFKA_HEARTBEAT_INTERVAL_MS: envInt(3_000, { min: 100 }),
  /** Max bytes fetched per partition per request; bounds one batch. */
  KAFKA_MAX_BYTES_PER_PARTITION: envInt(1_048_576, { min: 1024 }),
  /** Longest a fetch waits on the broker for new data; also bounds how long a graceful stop waits for the fetch in flight. */
  KAFKA_MAX_WAIT_MS: envInt(1_000, { min: 10, max: 30_000 }),
  /**
   * Consumer-group members this process runs, each with its own fetcher and producer. kafkajs
   * fetches again only when every partition of the previous fetch is done, and the idempotent
   * producer sends one request at a time: more members let partitions move on independently.
   */
  KAFKA_CONSUMERS: envInt(1, { min: 1, max: 64 }),
  /** Partitions processed concurrently by one member (each one still strictly in order). */
  KAFKA_PARTITIONS_CONCURRENTLY: envInt(4, { min: 1, max: 64 }),
  /**
   * Offsets of acknowledged chunks are committed at most this often (0: after every chunk). Never
   * before the chunk's outputs are acknowledged; a larger interval only means more redelivery after
   * a crash (which is idempotent) and one broker round trip less on the latency path.
   */
  KAFKA_COMMIT_INTERVAL_MS: envInt(1_000, { min: 0, max: 60_000 }),
  /** Messages processed, published and committed as one unit inside a fetched batch. */
  CHUNK_SIZE: envInt(500, { min: 1, max: 100_000 }),
  /** Redis URL (redis://[:password@]host:port[/db]). */
  REDIS_URL: z.string().url(),
  /** Prefix prepended to every Redis key (tests, shared dev instances); hash tags stay inside the key. */
  REDIS_KEY_PREFIX: z.string().regex(/^[^{}]*$/, 'must not contain "{" or "}" (it would override the hash tags)').default(''),
  /**
   * How the facts scripts of a chunk are grouped: `chunk`, one call for all its customers (a single
   * Redis node; per-call costs paid once per chunk), or `customer`, one call per customer, which
   * Redis Cluster needs (a script may only touch keys of one hash slot).
   */
  REDIS_SCRIPT_GROUPS: z.enum(['chunk', 'customer']).default('chunk'),
  /**
   * Limit counters whose last refusal the worker remembers, so that a repeat (same cap, window not
   * later) is refused without a Redis round trip; checked against redelivered grants before each
   * commit. 0 asks Redis every time.
   */
  LIMIT_REFUSAL_MEMO_SIZE: envInt(50_000, { min: 0, max: 10_000_000 }),
  /** How long an applied event id is remembered: a duplicate within this window is a no-op. */
  DEDUPE_WINDOW_MS: envInt(7 * DAY_MS, { min: 60_000 }),
  /** Directory with segments.json, tiers.json, schedule.json and incentives/*.json. */
  RULES_DIR: z.string().min(1).default('rules'),
  /** Reload rules when the directory changes. */
  RULES_WATCH: envBool(true),
  /** Quiet period after the last file change before a reload (editors write in several steps). */
  RULES_RELOAD_DEBOUNCE_MS: envInt(300, { min: 0, max: 60_000 }),
  /** Rule engine: compiled (fast path) or reference (json-rules-engine itself). */
  RULES_ENGINE: z.enum(['compiled', 'reference']).default('compiled'),
  /** Port of the /healthz, /readyz and /metrics server; 0 picks a free port (tests). */
  HTTP_PORT: envInt(9464, { min: 0, max: 65_535 }),
  /** Liveness fails when the consumer has shown no activity (heartbeat, fetch, batch) for this long. */
  LIVENESS_STALE_MS: envInt(60_000, { min: 1_000 }),
  /** First retry delay after a transient failure (Redis/Kafka down); doubles up to the max. */
  RETRY_INITIAL_MS: envInt(100, { min: 1 }),
  /** Largest retry delay while a dependency stays down. */
  RETRY_MAX_MS: envInt(5_000, { min: 1 }),
  /** Graceful shutdown budget: finish the batch, commit, leave the group. */
  SHUTDOWN_TIMEOUT_MS: envInt(25_000, { min: 1_000 }),
  /** Test hook: sleep this long inside every chunk before publishing (simulates a slow batch). 0 in production. */
  TEST_SLOW_CHUNK_MS: envInt(0, { min: 0, max: 600_000 }),
});

export type Config = z.output<typeof configSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  return parseEnv(configSchema, env, 'rules-engine');
}
