import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A per-rule tally kept in plain maps on the hot path (a purchase triggers a dozen rules; a
 * prom-client `inc` per rule per event costs more than the evaluation) and folded into the counter
 * when Prometheus scrapes. Label values are passed positionally (in `labelNames` order), so a tally
 * allocates nothing per call; `addEach` counts a list the caller reuses (the rules an event type
 * triggers) once per call and expands it only at scrape time.
 */
function deferredCounter<L extends string>(counter: Counter<L>, labelNames: readonly [L] | readonly [L, L]) {
  const pending = new Map<string, number>();
  const lists = new Map<readonly string[], number>();
  const SEP = '\u0000';
  return {
    add(first: string, second?: string, n = 1): void {
      const key = second === undefined ? first : first + SEP + second;
      pending.set(key, (pending.get(key) ?? 0) + n);
    },
    /** One count for each value of a single-label counter; `values` must not be mutated afterwards. */
    addEach(values: readonly string[]): void {
      lists.set(values, (lists.get(values) ?? 0) + 1);
    },
    flush(): void {
      for (const [list, n] of lists) for (const v of list) pending.set(v, (pending.get(v) ?? 0) + n);
      lists.clear();
      for (const [key, n] of pending) {
        const values = key.split(SEP);
        const labels = {} as Record<L, string>;
        labelNames.forEach((name, i) => (labels[name] = values[i] ?? ''));
        counter.inc(labels as Partial<Record<L, string | number>>, n);
      }
      pending.clear();
    },
  };
}

/** All metrics of the worker, on a registry of its own (tests build several workers in one process). */
export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'rules_engine_' });

  const eventsProcessed = new Counter({
    name: 'rules_engine_events_processed_total',
    help: 'Consumed events by outcome: rewarded, no_reward, duplicate (known id), republished (redelivery whose outbox was re-sent), invalid (dead-lettered), failed (pure core threw; dead-lettered)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const eventLatency = new Histogram({
    name: 'rules_engine_event_latency_seconds',
    help: 'From the event record timestamp (produce time) to the acknowledgement of its outputs (and, with KAFKA_COMMIT_INTERVAL_MS=0, the offset commit)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const chunkDuration = new Histogram({
    name: 'rules_engine_chunk_duration_seconds',
    help: 'Processing time of one chunk: facts load, rules, facts commit, publish, commit',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const consumerLag = new Gauge({
    name: 'rules_engine_consumer_lag',
    help: 'Messages between the last processed offset and the partition high watermark, as of the last batch',
    labelNames: ['topic', 'partition'] as const,
    registers: [registry],
  });
  const ruleEvaluations: Counter<'rule'> = new Counter({
    name: 'rules_engine_rule_evaluations_total',
    help: 'Rules evaluated (the rule listens to the event type and is enabled)',
    labelNames: ['rule'] as const,
    registers: [registry],
    collect: (): void => evaluations.flush(),
  });
  const ruleMatches: Counter<'rule'> = new Counter({
    name: 'rules_engine_rule_matches_total',
    help: 'Rules whose conditions held (before group and limit decisions)',
    labelNames: ['rule'] as const,
    registers: [registry],
    collect: (): void => matches.flush(),
  });
  const ruleRewards: Counter<'rule' | 'kind'> = new Counter({
    name: 'rules_engine_rule_rewards_total',
    help: 'Rewards issued per rule',
    labelNames: ['rule', 'kind'] as const,
    registers: [registry],
    collect: (): void => rewards.flush(),
  });
  const evaluations = deferredCounter(ruleEvaluations, ['rule']);
  const matches = deferredCounter(ruleMatches, ['rule']);
  const rewards = deferredCounter(ruleRewards, ['rule', 'kind']);
  const ruleLimitBlocked = new Counter({
    name: 'rules_engine_rule_limit_blocked_total',
    help: 'Reservations refused by a limit, per rule and scope (perCustomer or total)',
    labelNames: ['rule', 'scope'] as const,
    registers: [registry],
  });
  const rulesReloads = new Counter({
    name: 'rules_engine_rules_reloads_total',
    help: 'Rules reload attempts by result (ok, refused)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const rulesReloadFailures = new Counter({
    name: 'rules_engine_rules_reload_failures_total',
    help: 'Rules changes refused because the new rules did not validate; the last good rules keep serving',
    registers: [registry],
  });
  const rulesetInfo = new Gauge({
    name: 'rules_engine_ruleset_info',
    help: 'The ruleset in force (value 1, version label)',
    labelNames: ['version'] as const,
    registers: [registry],
  });
  const transientFailures = new Counter({
    name: 'rules_engine_transient_failures_total',
    help: 'Chunk stage attempts (process, publish, mark) that failed on a transient error (Redis or Kafka unavailable) and were retried',
    labelNames: ['stage'] as const,
    registers: [registry],
  });
  const pausedPartitions = new Gauge({
    name: 'rules_engine_paused_partitions',
    help: 'Partitions paused while waiting for a dependency to recover',
    registers: [registry],
  });

  return {
    registry,
    eventsProcessed,
    eventLatency,
    chunkDuration,
    consumerLag,
    ruleEvaluations,
    ruleMatches,
    ruleRewards,
    /** Hot-path tallies, folded into the counters above at scrape time. */
    tally: { evaluations, matches, rewards },
    ruleLimitBlocked,
    rulesReloads,
    rulesReloadFailures,
    rulesetInfo,
    transientFailures,
    pausedPartitions,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
