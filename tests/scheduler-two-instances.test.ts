import { afterAll, describe, expect, it } from 'vitest';
import { e2ePipeline } from './harness/e2e.js';
import { collectEventIds } from './harness/event-collector.js';
import { collectRewards } from './harness/reward-collector.js';
import { isClockEventId, retailScenario } from './harness/scenario.js';
import { expectLedger, expectRewardStream, rewardCounters } from './harness/assert-pipeline.js';
import type { ServiceProcess } from './harness/service-process.js';

const WEEKS = 5;
/** One customer in three, whole histories: fulfillment on FerretDB is the slow stage. */
const CUSTOMERS_ONE_IN = 3;
/** The leader is killed before this day's tick; the other instance must take over. */
const FAILOVER_BEFORE = '2010-12-15';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function isLeader(s: ServiceProcess): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${s.httpPort}/state`);
  return ((await res.json()) as { leader?: boolean }).leader === true;
}

describe('two scheduler instances', () => {
  it('both moved day by day, then the leader killed: no clock event is published twice and the rewards in the stream and in MongoDB match simulate', async () => {
    const { slice, expected } = await retailScenario(WEEKS, CUSTOMERS_ONE_IN);
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
    const clockStart = new Date(slice.days[0]!.startMs).toISOString();
    const instances = [
      await pipeline.start('scheduler', { label: 'scheduler#1', clockStart }),
      await pipeline.start('scheduler', { label: 'scheduler#2', clockStart }),
    ];

    const leadersSeen: { date: string; leaders: string[] }[] = [];
    let killed: string | undefined;
    await pipeline.replay(slice, {
      beforeTick: async (day) => {
        const alive = instances.filter((s) => s.exitedWith() === undefined);
        const leaders: string[] = [];
        for (const s of alive) if (await isLeader(s)) leaders.push(s.label);
        leadersSeen.push({ date: day.date, leaders });
        if (day.date === FAILOVER_BEFORE) {
          const leader = alive.find((s) => s.label === leaders[0]);
          if (!leader) throw new Error(`no leader before ${day.date}`);
          killed = leader.label;
          await leader.kill();
        }
      },
    });
    await pipeline.waitQuiescent({
      counters: { ...rewardCounters(pipeline, rewards), clockEvents: async () => clockEvents.total() },
      timeoutMs: 120_000,
    });

    // Never two leaders at once; one before the failover and (after the lease ran out) the other one.
    expect(leadersSeen.filter((l) => l.leaders.length > 1)).toEqual([]);
    expect(killed).toBeDefined();
    const before = new Set(leadersSeen.filter((l) => l.date <= FAILOVER_BEFORE).flatMap((l) => l.leaders));
    const after = new Set(leadersSeen.filter((l) => l.date > FAILOVER_BEFORE).flatMap((l) => l.leaders));
    expect([...before]).toEqual([killed]);
    expect([...after]).toEqual(instances.map((s) => s.label).filter((l) => l !== killed));

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
