import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** All metrics of the worker, on a registry of its own (tests build several workers in one process). */
export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'fulfillment_' });
  return {
    registry,
    rewards: new Counter({
      name: 'fulfillment_rewards_total',
      help: 'Rewards consumed by kind and outcome: applied, noop (e.g. clawback with nothing to reverse), duplicate (already applied), dead_lettered',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    redemptions: new Counter({
      name: 'fulfillment_redemptions_total',
      help: 'Coupon codes on purchase events by status (accepted, rejected, duplicate) and reason',
      labelNames: ['status', 'reason'] as const,
      registers: [registry],
    }),
    chunkDuration: new Histogram({
      name: 'fulfillment_chunk_duration_seconds',
      help: 'Processing time of one chunk: parse, MongoDB writes, notifications, commit',
      labelNames: ['consumer'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    transientFailures: new Counter({
      name: 'fulfillment_transient_failures_total',
      help: 'Chunk attempts that failed with a retryable error (MongoDB or Kafka unavailable)',
      labelNames: ['consumer'] as const,
      registers: [registry],
    }),
    pausedPartitions: new Gauge({
      name: 'fulfillment_paused_partitions',
      help: 'Partitions paused while a dependency is down',
      labelNames: ['consumer'] as const,
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'fulfillment_consumer_lag',
      help: 'Messages between the last committed chunk and the partition high watermark',
      labelNames: ['consumer', 'partition'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
