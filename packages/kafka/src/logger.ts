/**
 * The slice of a pino logger this package uses. `@incentive/platform`'s `Logger` (pino) satisfies it
 * structurally, so callers pass their root or child logger without an adapter.
 */
export interface KafkaLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
  child(bindings: Record<string, unknown>): KafkaLogger;
  /** pino's current level name; used to pick kafkajs's own level so debug logs are not built for nothing. */
  level?: string;
}
