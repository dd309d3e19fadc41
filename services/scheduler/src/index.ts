export { loadConfig, configSchema, type Config } from './config.js';
export { createSchedulerService, clockFromConfig, type SchedulerService, type SchedulerServiceDeps } from './service.js';
export { createManualClock, createSystemClock, type Clock, type ManualClock } from './core/clock.js';
export type { RunResult, TickSummary } from './core/scheduler.js';
export { createSchedulerKeys, bucketOf, BUCKETS } from './redis/keys.js';
