import type { Redis } from 'ioredis';
import type { RunContext } from './run-context.js';
import type { ServiceProcess } from './service-process.js';

/**
 * Moves the scheduler's test clock and waits for the day tick it causes to be completed (its clock
 * events are then acknowledged on the events topic).
 */
export interface SchedulerClock {
  /** Moves every running scheduler instance's clock to `instant` and waits until `date`'s tick is recorded. */
  advanceTo(instant: Date, date: string, failed?: () => string | undefined): Promise<void>;
  /** Local date of the last completed tick, or null before the first one. */
  lastTick(): Promise<string | null>;
}

/** The scheduler's tick-progress key (services/scheduler/src/redis/keys.ts: `<prefix>inc:{sched:ctl}:lastTick`). */
export function lastTickKey(redisKeyPrefix: string): string {
  return `${redisKeyPrefix}inc:{sched:ctl}:lastTick`;
}

export function createSchedulerClock(deps: { ctx: RunContext; redis: Redis; services: () => ServiceProcess[] }): SchedulerClock {
  const lastTick = (): Promise<string | null> => deps.redis.get(lastTickKey(deps.ctx.redisKeyPrefix));
  return {
    lastTick,
    async advanceTo(instant, date, failed) {
      // Already run (a restarted scheduler caught up on its own): moving a clock back is refused.
      const before = await lastTick();
      if (before !== null && before >= date) return;
      const running = deps.services();
      if (running.length === 0) throw new Error('advanceTo: no scheduler is running');
      // Every instance's clock moves (whichever holds the lease runs the ticks). POST /advance answers
      // once the due ticks are published and recorded, or at once on an instance without the lease.
      // A 503 (e.g. the tick's index catch-up timed out on a busy box) is not final: the scheduler's
      // own loop retries the tick, so the outcome is judged by the recorded progress below.
      let lastError = '';
      for (const s of running) {
        let res: Response;
        try {
          res = await fetch(`http://127.0.0.1:${s.httpPort}/advance`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ to: instant.toISOString() }),
            signal: AbortSignal.timeout(90_000),
          });
        } catch (err) {
          lastError = `${s.label}: POST /advance: ${(err as Error).message}`;
          continue;
        }
        // A refused request (bad body, no manual clock, clock moved backwards) will not heal by waiting.
        if ([400, 404, 409].includes(res.status)) throw new Error(`${s.label}: POST /advance ${res.status}: ${await res.text()}`);
        if (!res.ok) lastError = `${s.label}: POST /advance ${res.status}: ${await res.text()}`;
      }
      const deadline = Date.now() + 60_000;
      for (;;) {
        const done = await lastTick();
        if (done !== null && done >= date) return;
        const died = failed?.();
        if (died) throw new Error(`tick ${date} cannot complete: ${died}`);
        if (Date.now() > deadline) throw new Error(`scheduler did not complete the tick of ${date} within 60 s (last completed: ${done ?? 'none'}${lastError ? `; ${lastError}` : ''})`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}
