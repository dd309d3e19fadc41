import { parseEventJson } from '@incentive/events';
import type { IncentiveEvent } from '@incentive/events';
import { createClockPlanner, createLeaderboardTracker, localDateOf, midnightsBetween, startOfLocalDay } from '@incentive/facts';
import type { ClockPlanner, LeaderboardTracker } from '@incentive/facts';
import { createEvaluator, createMemoryLimitStore, createMemorySession, createPipeline } from '@incentive/rules';
import type { EngineKind, Ruleset } from '@incentive/rules';
import { formatExplanation } from './format-explain.js';
import type { LineWriter } from './line-io.js';
import { countReject, countReward, emptySummary } from './summary.js';
import type { SimulationSummary } from './summary.js';

export interface SimulationOptions {
  ruleset: Ruleset;
  engine: EngineKind;
  clock: 'daily' | null;
  /** Reward JSONL sink. */
  rewards: LineWriter;
  /** Explain sink (text), or none. */
  explain?: LineWriter;
  /** Called for every rejected line (line number from 1, reason). */
  onRejected?: (lineNo: number, reason: string) => void;
  /** Called every `progressEvery` lines. */
  onProgress?: (summary: SimulationSummary) => void;
  progressEvery?: number;
}

const DAY_MS = 86_400_000;

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/**
 * Replays events through the same pipeline as the rules worker, with in-memory stores: customer
 * states in a Map (through the rules package's memory session, which also feeds derived
 * referral.credited events back in), event-id dedupe in a Set, limits in the memory limit store.
 * With `clock: 'daily'`, each local midnight (schedule timezone) crossed by event time raises the
 * clock events due then (from @incentive/facts' planner) before the event that crossed it, and at
 * the first midnight of a month the previous month's leaderboard (facts' leaderboard tracker, the
 * rule the scheduler applies), after that tick's birthday and inactivity events, as the scheduler does.
 */
export async function runSimulation(lines: AsyncIterable<string> | Iterable<string>, opts: SimulationOptions): Promise<SimulationSummary> {
  const started = performance.now();
  const { ruleset } = opts;
  const evaluator = createEvaluator(ruleset, { engine: opts.engine });
  const pipeline = createPipeline({ ruleset, evaluator, limits: createMemoryLimitStore() });
  const session = createMemorySession(pipeline);
  const summary = emptySummary(opts.engine, ruleset.version);
  const seen = new Set<string>();
  const timezone = ruleset.schedule.timezone;
  const planner: ClockPlanner | null = opts.clock === 'daily' ? createClockPlanner(ruleset.schedule) : null;
  const leaderboard: LeaderboardTracker | null = opts.clock === 'daily' ? createLeaderboardTracker(ruleset.schedule) : null;
  const explain = opts.explain;
  const ctx = explain ? { explain: true } : {};
  const progressEvery = opts.progressEvery ?? 10_000;

  // Latest event time seen, and the next local midnight after it.
  let latestIso: string | null = null;
  let latestMs = -Infinity;
  let nextMidnightMs = Infinity;

  const process = async (event: IncentiveEvent, lineNo: number): Promise<void> => {
    let out;
    try {
      const pending = session.process(event, ctx);
      // The in-memory pipeline answers synchronously; awaiting anyway costs a microtask per event.
      out = pending instanceof Promise ? await pending : pending;
    } catch (err) {
      const e = err as Error;
      countReject(summary, `processing failed: ${e.name}: ${e.message}`);
      opts.onRejected?.(lineNo, `event ${event.id}: processing failed: ${e.message}`);
      return;
    }
    for (const { event: e, result } of out.results) {
      summary.eventsProcessed++;
      if (e !== event) summary.derivedEvents++;
      planner?.track(e.customerId, result.state);
      for (const err of result.evaluationErrors ?? []) summary.conditionErrors.set(err.ruleId, (summary.conditionErrors.get(err.ruleId) ?? 0) + 1);
      if (explain && result.explain) for (const l of formatExplanation(result.explain, e.occurredAt)) explain.line(l);
    }
    for (const r of out.rewards) {
      countReward(summary, r);
      opts.rewards.line(JSON.stringify(r));
    }
  };

  const tick = async (toIso: string, lineNo: number): Promise<void> => {
    for (const m of midnightsBetween(latestIso as string, toIso, timezone)) {
      summary.ticks++;
      for (const clockEvent of [...(planner as ClockPlanner).dueAt(m.date), ...(leaderboard as LeaderboardTracker).closeAt(m.date)]) {
        if (seen.has(clockEvent.id)) continue;
        seen.add(clockEvent.id);
        summary.clockEvents[clockEvent.type] = (summary.clockEvents[clockEvent.type] ?? 0) + 1;
        await process(clockEvent, lineNo);
      }
    }
  };

  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    summary.linesRead++;
    if (summary.linesRead % progressEvery === 0) opts.onProgress?.(summary);
    if (line.trim() === '') {
      summary.blankLines++;
      continue;
    }
    const parsed = parseEventJson(line);
    if (!parsed.ok) {
      const err = parsed.error;
      const first = err.issues[0];
      // Grouped by code and field, not by the offending text, so the summary stays short.
      const reason = err.code === 'schema' && first ? `schema at ${first.path || '(root)'}: ${first.message}` : err.code;
      countReject(summary, reason);
      opts.onRejected?.(lineNo, err.message);
      continue;
    }
    const event = parsed.value;
    if (seen.has(event.id)) {
      summary.duplicates++;
      continue;
    }
    seen.add(event.id);
    summary.eventsAccepted++;
    const atMs = Date.parse(event.occurredAt);
    if (summary.firstEventAt === null) summary.firstEventAt = event.occurredAt;
    if (planner && latestIso !== null && atMs >= nextMidnightMs) await tick(event.occurredAt, lineNo);
    if (atMs > latestMs) {
      // The next midnight moves only when a new local day starts (or on the first event).
      if (planner && (latestIso === null || atMs >= nextMidnightMs)) nextMidnightMs = startOfLocalDay(nextDate(localDateOf(timezone, atMs)), timezone);
      latestMs = atMs;
      latestIso = event.occurredAt;
      summary.lastEventAt = event.occurredAt;
    }
    // Every accepted upstream event counts, like the scheduler's index (which reads the topic, not the rules worker's outcome).
    leaderboard?.apply(event);
    await process(event, lineNo);
    await opts.rewards.maybeFlush();
    if (explain) await explain.maybeFlush();
  }
  await opts.rewards.flush();
  if (explain) await explain.flush();
  summary.elapsedMs = performance.now() - started;
  return summary;
}
