/** Every long-lived component: both calls are idempotent, stop() after a failed start() is safe. */
export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}
