import { z } from 'zod';
import { envBool, envInt, envList, envLogLevel, parseEnv } from '@incentive/platform';

/**
 * Every variable the fulfillment worker reads. `.env.example` beside package.json lists the same
 * names. Durations are milliseconds.
 */
export const configSchema = z.object({
  /** Minimum log level (pino). */
  LOG_LEVEL: envLogLevel(),
  /** Human-readable logs; development only, it costs throughput. */
  LOG_PRETTY: envBool(false),
  /** Kafka bootstrap servers, comma-separated host:port. */
  KAFKA_BROKERS: envList(),
  /** kafkajs client id, shows up in broker logs and quotas. */
  KAFKA_CLIENT_ID: z.string().min(1).default('incentive-fulfillment'),
  /** Consumer group of the rewards consumer; every worker of one deployment shares it. */
  KAFKA_GROUP_ID: z.string().min(1).default('incentive-fulfillment'),
  /** Consumer group of the redemptions consumer (purchase events with coupon codes), a sibling group on the events topic. */
  KAFKA_REDEMPTIONS_GROUP_ID: z.string().min(1).default('incentive-fulfillment-redemptions'),
  /** Prefix for the product topic names (`<prefix>incentive.rewards`, ...); empty in production. */
  TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only').default(''),
  /** Partitions for topics this worker creates when they are missing (never changes existing ones). */
  TOPIC_PARTITIONS: envInt(12, { min: 1, max: 10_000 }),
  /** Create missing topics at start (tests, dev); production topics are managed by infra. */
  CREATE_TOPICS: envBool(true),
  /** Read from the earliest offset when a group has no committed offset yet. */
  KAFKA_FROM_BEGINNING: envBool(true),
  /** Consumer session timeout: a worker that does not heartbeat for this long loses its partitions. */
  KAFKA_SESSION_TIMEOUT_MS: envInt(30_000, { min: 6_000 }),
  /** Heartbeat period; must be well below the session timeout. */
  KAFKA_HEARTBEAT_INTERVAL_MS: envInt(3_000, { min: 100 }),
  /** Longest a fetch waits on the broker for new data; bounds how long a graceful stop waits. */
  KAFKA_MAX_WAIT_MS: envInt(1_000, { min: 10, max: 30_000 }),
  /** Max bytes fetched per partition per request; bounds one batch (2 MiB ≈ 6,000 rewards, room for a full chunk). */
  KAFKA_MAX_BYTES_PER_PARTITION: envInt(2_097_152, { min: 1024 }),
  /** Partitions processed concurrently (each strictly in order; customers never span partitions). */
  KAFKA_PARTITIONS_CONCURRENTLY: envInt(2, { min: 1, max: 64 }),
  /**
   * Rewards applied, committed and notified as one unit inside a fetched batch. Each chunk updates
   * each of its customers' wallets once, and on FerretDB v1 an update scans the collection: bigger
   * chunks amortise that (see the benchmark in README.md).
   */
  CHUNK_SIZE: envInt(5_000, { min: 1, max: 100_000 }),
  /** MongoDB (or FerretDB) URL including the database name, e.g. mongodb://host:27017/incentive. */
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://'),
  /** Database name; overrides the one in MONGO_URL when set. */
  MONGO_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be 1-63 of A-Z a-z 0-9 _ -').optional(),
  /** How long a MongoDB operation waits for a reachable server before failing (then the chunk is retried). */
  MONGO_SERVER_SELECTION_TIMEOUT_MS: envInt(3_000, { min: 100 }),
  /** Documents per insertMany/bulkWrite (FerretDB v1 stalls on update batches of 100 or more). */
  MONGO_WRITE_BATCH: envInt(50, { min: 1, max: 99 }),
  /** Port of the /healthz, /readyz and /metrics server; 0 picks a free port (tests). */
  HTTP_PORT: envInt(9465, { min: 0, max: 65_535 }),
  /** Liveness fails when a consumer has shown no activity (heartbeat, fetch, batch) for this long. */
  LIVENESS_STALE_MS: envInt(60_000, { min: 1_000 }),
  /** First retry delay after a transient failure (MongoDB/Kafka down); doubles up to the max. */
  RETRY_INITIAL_MS: envInt(200, { min: 1 }),
  /** Largest retry delay while a dependency stays down. */
  RETRY_MAX_MS: envInt(5_000, { min: 1 }),
  /** Graceful shutdown budget: finish the chunk, commit, leave the group, close MongoDB. */
  SHUTDOWN_TIMEOUT_MS: envInt(25_000, { min: 1_000 }),
});

export type Config = z.output<typeof configSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  return parseEnv(configSchema, env, 'fulfillment');
}
