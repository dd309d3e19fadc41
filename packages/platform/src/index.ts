export { RetryableError, NonRetryableError, ConfigError, isRetryable } from './errors.js';
export { createLogger, DEFAULT_REDACT_PATHS, type Logger, type LoggerConfig } from './logger.js';
export { parseEnv, envInt, envBool, envList, envLogLevel } from './env.js';
export { createShutdown, type Shutdown, type ShutdownOptions } from './shutdown.js';
export type { Lifecycle } from './lifecycle.js';
export { retryWithBackoff, type RetryOptions } from './retry.js';
export {
  createOpsServer,
  sendJson,
  readBody,
  type OpsServer,
  type OpsServerDeps,
  type OpsRoute,
  type Probe,
  type MetricsSource,
} from './ops-server.js';
