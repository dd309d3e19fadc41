// The scheduler's control loop: hold the lease, find the ticks due, run them in order, record each.
import type { IncentiveEvent, NotificationEvent, PointsExpireRequest } from '@incentive/events';
import type { ScheduleConfig } from '@incentive/facts';
import { RetryableError, type Logger } from '@incentive/platform';
import { isManualClock, type Clock } from './clock.js';
import { collectTickEvents, type DueIndex, type PointsExpiryOptions } from './collect-tick.js';
import { initialLastTick, ticksDue } from './tick-plan.js';
import { leaderboardTopNOf } from './leaderboard.js';

export interface TickControl {
  acquire(instanceId: string, ttlMs: number): Promise<string | null>;
  renew(leaseValue: string, ttlMs: number): Promise<boolean>;
  release(leaseValue: string): Promise<void>;
  lastTick(): Promise<string | null>;
  initLastTick(leaseValue: string, date: string): Promise<string | null>;
  completeTick(leaseValue: string, date: string, summary: object): Promise<'recorded' | 'already' | 'not_leader'>;
}

/** What a tick publishes besides clock events (same transaction). */
export interface TickRecords {
  /** To the rewards topic, keyed by customer. */
  expiryRequests: readonly PointsExpireRequest[];
  /** To the notifications topic, keyed by customer. */
  expiryNotices: readonly NotificationEvent[];
}

export interface EventPublisher {
  connect(): Promise<void>;
  /** Publishes a tick's events (and expiry requests and notices) and its progress record atomically. */
  publish(events: readonly IncentiveEvent[], tickDate: string, records?: TickRecords): Promise<void>;
  /** The last tick recorded with its events on the Kafka side (null if none). */
  lastPublishedTick(): Promise<string | null>;
  disconnect(): Promise<void>;
}

export interface TickSummary {
  date: string;
  at: string;
  published: number;
  birthday: number;
  inactivity: number;
  leaderboard: number;
  /** points.expire requests published (one per customer). */
  expiry: number;
  /** points.expiring notices published. */
  expiryNotice: number;
  closedMonth: string | null;
}

export interface RunResult {
  /** True when this instance held the lease for the run. */
  leader: boolean;
  ticks: TickSummary[];
  lastTick: string | null;
}

export interface SchedulerDeps {
  clock: Clock;
  schedule: ScheduleConfig;
  control: TickControl;
  index: DueIndex;
  publisher: EventPublisher;
  /** Snapshot of the events topic's end (high watermark per partition). */
  indexTarget(): Promise<ReadonlyMap<number, number>>;
  /** Records up to `target` not yet in the indexes (0 = caught up with the snapshot). */
  indexLag(target: ReadonlyMap<number, number>): Promise<number>;
  logger: Logger;
  instanceId: string;
  leaseTtlMs: number;
  /** How often the loop looks for due ticks and renews the lease. */
  pollMs: number;
  /** How long a tick waits for the indexes to catch up with the events topic before it is retried later. */
  indexCatchupTimeoutMs: number;
  /** Env fallback (LEADERBOARD_TOP_N); schedule.json's `leaderboardSize` wins so the scheduler and simulate agree. */
  leaderboardTopN: number;
  /** Points expiry requests and notices at ticks; absent: off. */
  pointsExpiry?: PointsExpiryOptions;
  /** First tick date on the very first start (no tick ever completed); default: the next midnight. */
  firstTick?: string;
  onTick?(summary: TickSummary): void;
  onLeadership?(leader: boolean): void;
  onError?(stage: string): void;
}

/** Resolves after `ms` or at abort; the abort listener is removed on timeout so polling loops do not pile them up. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function isFencingError(err: unknown): boolean {
  const text = err instanceof Error ? `${err.name} ${err.message} ${String((err as { type?: unknown }).type ?? '')}` : String(err);
  return /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH|fenced/i.test(text);
}

export function createScheduler(deps: SchedulerDeps) {
  const log = deps.logger.child({ component: 'scheduler', instanceId: deps.instanceId });
  const tz = deps.schedule.timezone;
  let leaseValue: string | null = null;
  let publisherReady = false;
  let chain: Promise<unknown> = Promise.resolve();
  let loop: Promise<void> | undefined;
  let abort = new AbortController();
  let lastLoopAt = Date.now();
  let lastTickSeen: string | null = null;
  // The first start's progress is set from the clock at start(), not at the first run: an
  // advanceTo() racing the loop's first run must not swallow the ticks it asks for.
  let startedAtMs = deps.clock.now().getTime();
  // Ticks completed by this instance (bounded), so advanceTo reports ticks that a concurrent loop
  // run completed for it too.
  const completed: TickSummary[] = [];
  let completedCount = 0;

  async function dropLeadership(reason: string, release: boolean): Promise<void> {
    const v = leaseValue;
    leaseValue = null;
    publisherReady = false;
    await deps.publisher.disconnect().catch((err: unknown) => log.warn({ err }, 'clock publisher disconnect failed'));
    if (release && v) await deps.control.release(v).catch((err: unknown) => log.warn({ err }, 'lease release failed'));
    if (v) {
      log.info({ reason }, 'leadership given up');
      deps.onLeadership?.(false);
    }
  }

  async function ensureLeader(): Promise<boolean> {
    const v = await deps.control.acquire(deps.instanceId, deps.leaseTtlMs);
    if (v === null) {
      if (leaseValue !== null) await dropLeadership('lease held by another instance', false);
      return false;
    }
    if (v !== leaseValue || !publisherReady) {
      // A new fencing token (or a failed publish): (re)connect the transactional producer; its
      // InitProducerId fences any former leader and aborts whatever transaction was left open.
      const isNew = v !== leaseValue;
      await deps.publisher.disconnect();
      leaseValue = v;
      try {
        await deps.publisher.connect();
      } catch (err) {
        await dropLeadership('clock publisher could not connect', true);
        throw err;
      }
      publisherReady = true;
      if (isNew) {
        log.info({ lease: v }, 'leadership acquired');
        deps.onLeadership?.(true);
      }
    }
    return true;
  }

  async function renewOrLose(): Promise<string> {
    const v = leaseValue;
    if (v === null || !(await deps.control.renew(v, deps.leaseTtlMs))) {
      await dropLeadership('lease lost', false);
      throw new RetryableError('scheduler: lease lost during the run');
    }
    return v;
  }

  async function waitForIndex(): Promise<void> {
    const deadline = Date.now() + deps.indexCatchupTimeoutMs;
    // Everything on the topic when the tick starts must be indexed; what arrives later belongs to
    // the next day anyway (waiting for a zero lag would never end on a busy topic).
    const target = await deps.indexTarget();
    for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
      const lag = await deps.indexLag(target);
      if (lag === 0) return;
      if (Date.now() >= deadline) throw new RetryableError(`scheduler: indexes are ${lag} records behind the events topic; the tick waits`);
      await renewOrLose();
      await sleep(delay, abort.signal);
      if (abort.signal.aborted) throw new RetryableError('scheduler: stopping');
    }
  }

  async function runDueNow(): Promise<RunResult> {
    if (!(await ensureLeader())) return { leader: false, ticks: [], lastTick: await deps.control.lastTick() };
    const lease = leaseValue as string;
    const nowMs = deps.clock.now().getTime();
    let last = await deps.control.lastTick();
    if (last === null) {
      last = await deps.control.initLastTick(lease, initialLastTick(startedAtMs, tz, deps.firstTick));
      if (last === null) throw new RetryableError('scheduler: lease lost before the first tick was set');
      log.info({ lastTick: last }, 'first start: tick progress initialised');
    }
    lastTickSeen = last;
    const ticks: TickSummary[] = [];
    if (ticksDue(last, nowMs, tz).length === 0) return { leader: true, ticks, lastTick: last };
    // Kafka commits a tick's events with its progress record; Redis records it right after. A crash
    // in between leaves Kafka one tick ahead: record that tick instead of publishing it again.
    // (Kafka can only be ahead by a tick that is due, so this is checked only when one is.)
    const published = await deps.publisher.lastPublishedTick();
    if (published !== null && published > last) {
      const r = await deps.control.completeTick(lease, published, { date: published, recoveredFrom: 'kafka' });
      if (r === 'not_leader') throw new RetryableError('scheduler: lease lost while recovering tick progress');
      log.warn({ tick: published, redisTick: last }, 'tick found committed in Kafka but not recorded in Redis; recorded it, not re-run');
      last = published;
      lastTickSeen = last;
    }
    const due = ticksDue(last, nowMs, tz);
    if (due.length === 0) return { leader: true, ticks, lastTick: last };
    await waitForIndex();
    for (const midnight of due) {
      if (abort.signal.aborted) break;
      const v = await renewOrLose();
      const te = await collectTickEvents(deps.index, deps.schedule, leaderboardTopNOf(deps.schedule, deps.leaderboardTopN), midnight.date, deps.pointsExpiry);
      await deps.publisher.publish(te.events, te.date, { expiryRequests: te.expiryRequests, expiryNotices: te.expiryNotices });
      const summary: TickSummary = { date: te.date, at: te.at, published: te.events.length, ...te.counts, closedMonth: te.closedMonth };
      const r = await deps.control.completeTick(v, te.date, summary);
      if (r === 'not_leader') {
        log.error({ tick: te.date }, 'tick published but the lease was lost before it was recorded in Redis; the next leader records it from the Kafka progress');
        await dropLeadership('lease lost while recording a tick', false);
        break;
      }
      lastTickSeen = te.date;
      ticks.push(summary);
      completed.push(summary);
      completedCount++;
      if (completed.length > 1000) completed.shift();
      deps.onTick?.(summary);
      log.info({ tick: te.date, birthdays: te.counts.birthday, inactivity: te.counts.inactivity, leaderboard: te.counts.leaderboard, expiry: te.counts.expiry, expiryNotice: te.counts.expiryNotice }, 'tick completed');
    }
    return { leader: true, ticks, lastTick: lastTickSeen };
  }

  /** Runs due ticks; calls are serialised (the loop and advanceTo never overlap). */
  function runDue(): Promise<RunResult> {
    const run = chain.then(async () => {
      try {
        return await runDueNow();
      } catch (err) {
        deps.onError?.('run');
        if (isFencingError(err)) await dropLeadership('fenced by a newer leader', false);
        else {
          publisherReady = false;
          await deps.publisher.disconnect().catch(() => undefined);
        }
        throw err;
      }
    });
    chain = run.catch(() => undefined);
    return run;
  }

  async function loopBody(): Promise<void> {
    const signal = abort.signal;
    while (!signal.aborted) {
      lastLoopAt = Date.now();
      try {
        await runDue();
      } catch (err) {
        log.warn({ err }, 'scheduler run failed; retrying');
      }
      await sleep(deps.pollMs, signal);
    }
  }

  return {
    async start(): Promise<void> {
      if (loop) return;
      startedAtMs = deps.clock.now().getTime();
      abort = new AbortController();
      loop = loopBody();
    },
    async stop(): Promise<void> {
      const l = loop;
      if (!l) return;
      loop = undefined;
      abort.abort();
      await l;
      await chain;
      await dropLeadership('stopping', true);
    },
    runDue,
    /**
     * Test/demo hook: moves a manual clock to `to` and runs every tick due up to it; resolves when
     * they are published and recorded (or with leader=false when another instance holds the lease).
     */
    async advanceTo(to: Date): Promise<RunResult> {
      if (!isManualClock(deps.clock)) throw new Error('advanceTo: the scheduler runs on the system clock (set SCHEDULER_CLOCK=manual)');
      const mark = completedCount;
      deps.clock.advanceTo(to);
      const result = await runDue();
      const since = completedCount - mark;
      return { ...result, ticks: since === 0 ? [] : completed.slice(-since) };
    },
    status() {
      return { leader: leaseValue !== null, lastTick: lastTickSeen, now: deps.clock.now().toISOString(), lastLoopAt };
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
