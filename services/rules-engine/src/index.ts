// Entry points for the benchmark and tests that run the worker in-process. The service itself starts from main.ts.
export { createRulesWorker } from './worker.js';
export type { RulesWorker, RulesWorkerDeps } from './worker.js';
export { loadConfig, configSchema } from './config.js';
export type { Config } from './config.js';
export { createRedisClient } from './redis/redis-client.js';
export { createRedisLimitStore } from './redis/limit-store.js';
export { createRedisFactsStore } from './redis/facts-store.js';
export { createKeyLayout } from './redis/keys.js';
export { createMetrics } from './ops/metrics.js';
export type { Metrics } from './ops/metrics.js';
