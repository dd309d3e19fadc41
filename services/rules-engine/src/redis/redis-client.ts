import { Redis } from 'ioredis';

export interface RedisClientOptions {
  url: string;
  /** Connection name shown by CLIENT LIST. */
  name: string;
}

/**
 * ioredis client for the worker. Auto-pipelining turns the many concurrent per-customer calls of a
 * chunk into one write per event-loop tick. Commands fail fast while Redis is down (one retry after
 * reconnect, no unbounded offline queue): the chunk's retry loop owns the backoff and pauses the
 * partition, rather than thousands of commands piling up in memory.
 */
export function createRedisClient(options: RedisClientOptions): Redis {
  return new Redis(options.url, {
    connectionName: options.name,
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    lazyConnect: true,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 2_000),
  });
}
