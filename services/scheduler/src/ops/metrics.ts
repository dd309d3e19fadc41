import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Scheduler metrics on a registry of their own (tests build several schedulers in one process). */
export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'scheduler_' });
  const ticks = new Counter({ name: 'scheduler_ticks_total', help: 'Day ticks completed (published and recorded)', registers: [registry] });
  const clockEvents = new Counter({
    name: 'scheduler_clock_events_published_total',
    help: 'Clock records published, by type (birthday, inactivity, leaderboard.closed, points.expire, points.expiring)',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const lastTick = new Gauge({ name: 'scheduler_last_tick_timestamp_seconds', help: 'Instant of the last completed day tick', registers: [registry] });
  const leader = new Gauge({ name: 'scheduler_leader', help: '1 while this instance holds the lease', registers: [registry] });
  const runErrors = new Counter({ name: 'scheduler_run_errors_total', help: 'Control-loop runs that failed and will be retried', registers: [registry] });
  const indexEvents = new Counter({
    name: 'scheduler_index_events_total',
    help: 'Events consumed by the index consumer, by outcome (applied, duplicate, unchanged, ignored, invalid)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return { registry, ticks, clockEvents, lastTick, leader, runErrors, indexEvents };
}

export type Metrics = ReturnType<typeof createMetrics>;
