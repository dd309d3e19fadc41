import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '@incentive/testing';
import { e2ePipeline } from './harness/e2e.js';
import { collectEventIds } from './harness/event-collector.js';
import { collectRewards } from './harness/reward-collector.js';
import { addDays } from './harness/retail-slice.js';
import { isClockEventId, retailScenario } from './harness/scenario.js';
import { expectLedger, expectRewardStream, rewardCounters } from './harness/assert-pipeline.js';
import type { ServiceProcess } from './harness/service-process.js';

// Five weeks (1 Dec 2010 - 4 Jan 2011) span the shop's Christmas closure (24 Dec - 3 Jan, no
// events), so the scheduler can be down for two midnights without events arriving meanwhile, and
// the whole run must still equal simulate --clock daily. The midnights of 1 and 2 January are due
// the first 30-day inactivity events (purchases of 2 and 3 December) and December's leaderboard.
const WEEKS = 5;
/** One customer in three, whole histories: fulfillment on FerretDB is the slow stage. */
const CUSTOMERS_ONE_IN = 3;
const KILLED_BEFORE = '2011-01-01';
const RESTARTED_AT = '2011-01-02';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('scheduler killed and restarted across two missed days', () => {
  it('the restarted scheduler catches up both missed ticks; every birthday/inactivity event is published once and the rewards in the stream and in MongoDB match simulate', async () => {
    const { slice, expected } = await retailScenario(WEEKS, CUSTOMERS_ONE_IN);
    const quiet = slice.days.filter((d) => d.date >= KILLED_BEFORE && d.date <= RESTARTED_AT);
    expect(quiet.map((d) => [d.date, d.events.length])).toEqual([[KILLED_BEFORE, 0], [RESTARTED_AT, 0]]);

    const pipeline = e2ePipeline({ partitions: 3 });
    cleanups.push(() => pipeline.destroy());
    cleanups.push(() => pipeline.stop());
    await pipeline.setup();
    const { ctx } = pipeline;
    const rewards = await collectRewards(pipeline.kafka, ctx.topics.rewards, `${ctx.runId}.rewards-collector`);
    cleanups.push(() => rewards.stop());
    const clockEvents = await collectEventIds(pipeline.kafka, ctx.topics.events, `${ctx.runId}.clock-collector`, isClockEventId);
    cleanups.push(() => clockEvents.stop());
    await pipeline.start('rules-engine');
    await pipeline.start('fulfillment');
    let scheduler: ServiceProcess = await pipeline.start('scheduler', { label: 'scheduler#1', clockStart: new Date(slice.days[0]!.startMs).toISOString() });

    let lastTickBeforeKill: string | null = null;
    await pipeline.replay(slice, {
      beforeTick: async (day) => {
        if (day.date !== KILLED_BEFORE) return;
        lastTickBeforeKill = await pipeline.clock.lastTick();
        await scheduler.kill();
        // Down across the midnights of 1 and 2 January; back with its clock at 2 January 00:00.
        const restartAt = slice.days.find((d) => d.date === RESTARTED_AT)!;
        scheduler = await pipeline.start('scheduler', { label: 'scheduler#2', clockStart: new Date(restartAt.startMs).toISOString() });
        await waitFor(async () => (await pipeline.clock.lastTick()) === RESTARTED_AT, {
          timeoutMs: 60_000,
          message: `the restarted scheduler to catch up to ${RESTARTED_AT}`,
        });
      },
    });
    expect(lastTickBeforeKill).toBe(addDays(KILLED_BEFORE, -1));
    await pipeline.waitQuiescent({
      counters: { ...rewardCounters(pipeline, rewards), clockEvents: async () => clockEvents.total() },
      timeoutMs: 120_000,
    });

    // The two missed midnights raised their clock events (after the restart, with their own dates).
    const raisedOn = (date: string) => [...clockEvents.occurredAt.values()].filter((at) => at.startsWith(date)).length;
    expect(raisedOn(KILLED_BEFORE)).toBeGreaterThan(0);
    expect(raisedOn(RESTARTED_AT)).toBeGreaterThan(0);
    // Each clock event exactly once on the events topic, and as many of each type as simulate raised.
    const duplicates = [...clockEvents.counts].filter(([, n]) => n > 1);
    expect(duplicates).toEqual([]);
    const byType = clockEvents.byType();
    expect({ birthday: byType.birthday, inactivity: byType.inactivity }).toEqual({
      birthday: expected.clockEvents.birthday,
      inactivity: expected.clockEvents.inactivity,
    });
    // And the rewards, in the stream and in MongoDB, are those of an uninterrupted run.
    expectRewardStream(rewards, expected.rewards);
    await expectLedger(pipeline, expected.rewards);
  });
});
