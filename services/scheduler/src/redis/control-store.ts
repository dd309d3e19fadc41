import type { Redis } from 'ioredis';
import type { SchedulerKeys } from './keys.js';
import { COMPLETE_TICK, INIT_LAST_TICK, LEASE_ACQUIRE, LEASE_RELEASE, LEASE_RENEW } from './scripts.js';
import { scriptRunner } from './run-script.js';

export type CompleteResult = 'recorded' | 'already' | 'not_leader';

/** Lease and tick progress; every write is fenced by the lease value (`<instanceId>|<token>`). */
export interface ControlStore {
  /** The lease value when we hold (or just took) the lease, else null. */
  acquire(instanceId: string, ttlMs: number): Promise<string | null>;
  renew(leaseValue: string, ttlMs: number): Promise<boolean>;
  release(leaseValue: string): Promise<void>;
  lastTick(): Promise<string | null>;
  /** Sets the last completed tick on the very first start (no-op when one exists); returns the stored one. */
  initLastTick(leaseValue: string, date: string): Promise<string | null>;
  completeTick(leaseValue: string, date: string, summary: object): Promise<CompleteResult>;
  tickSummary(date: string): Promise<unknown>;
}

export function createControlStore(redis: Redis, keys: SchedulerKeys): ControlStore {
  const acquire = scriptRunner(redis, LEASE_ACQUIRE);
  const renew = scriptRunner(redis, LEASE_RENEW);
  const release = scriptRunner(redis, LEASE_RELEASE);
  const complete = scriptRunner(redis, COMPLETE_TICK);
  const init = scriptRunner(redis, INIT_LAST_TICK);
  return {
    async acquire(instanceId, ttlMs) {
      const v = await acquire([keys.lease(), keys.fence()], [instanceId, ttlMs]);
      return typeof v === 'string' ? v : null;
    },
    async renew(leaseValue, ttlMs) {
      return Number(await renew([keys.lease()], [leaseValue, ttlMs])) === 1;
    },
    async release(leaseValue) {
      await release([keys.lease()], [leaseValue]);
    },
    async lastTick() {
      return redis.get(keys.lastTick());
    },
    async initLastTick(leaseValue, date) {
      const v = await init([keys.lease(), keys.lastTick()], [leaseValue, date]);
      return typeof v === 'string' ? v : null;
    },
    async completeTick(leaseValue, date, summary) {
      const r = Number(await complete([keys.lease(), keys.lastTick(), keys.ticks()], [leaseValue, date, JSON.stringify(summary)]));
      return r === 1 ? 'recorded' : r === 2 ? 'already' : 'not_leader';
    },
    async tickSummary(date) {
      const v = await redis.hget(keys.ticks(), date);
      return v === null ? null : (JSON.parse(v) as unknown);
    },
  };
}
