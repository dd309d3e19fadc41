import { afterAll, describe, expect, it } from 'vitest';
import { expectLedger, expectRewardStream, rewardCounters } from './harness/assert-pipeline.js';
import { e2ePipeline } from './harness/e2e.js';
import { collectRewards } from './harness/reward-collector.js';
import { retailScenario } from './harness/scenario.js';

// Six weeks (1 Dec 2010 - 11 Jan 2011) is the shortest slice that reaches every reward kind and both
// clock events: December's holiday double points, birthdays, and the first 30-day inactivity nudges
// in January. One customer in three (whole histories, ~1,000 events, ~2,000 rewards) keeps it near a
// minute on two busy cores; fulfillment on FerretDB is the slow stage.
const WEEKS = 6;
const CUSTOMERS_ONE_IN = 3;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('Online Retail through Kafka, rules-engine, scheduler and fulfillment into MongoDB', () => {
  it(`${WEEKS} weeks with the scheduler clock moved day by day: rewards, coupons, points ledger, wallets and gift orders equal what simulate --clock daily predicts, reward for reward`, async () => {
    const { slice, expected } = await retailScenario(WEEKS, CUSTOMERS_ONE_IN);
    // The slice must exercise the product, or equality would prove little.
    expect([...new Set(expected.rewards.map((r) => r.kind))].sort()).toEqual(['badge', 'clawback', 'coupon', 'gift', 'points']);
    expect(expected.clockEvents.birthday).toBeGreaterThan(0);
    expect(expected.clockEvents.inactivity).toBeGreaterThan(0);

    const pipeline = e2ePipeline({ partitions: 3 });
    cleanups.push(() => pipeline.destroy());
    cleanups.push(() => pipeline.stop());
    await pipeline.setup();
    const collector = await collectRewards(pipeline.kafka, pipeline.ctx.topics.rewards, `${pipeline.ctx.runId}.collector`);
    cleanups.push(() => collector.stop());
    await pipeline.start('rules-engine');
    await pipeline.start('fulfillment');
    await pipeline.start('scheduler', { clockStart: new Date(slice.days[0]!.startMs).toISOString() });

    await pipeline.replay(slice);
    await pipeline.waitQuiescent({ counters: rewardCounters(pipeline, collector), timeoutMs: 150_000 });

    expectRewardStream(collector, expected.rewards);
    await expectLedger(pipeline, expected.rewards);
  });
});
