import { afterAll, describe, expect, it } from 'vitest';
import type { Reward } from '@incentive/events';
import { loadRuleset } from '@incentive/rules';
import { e2ePipeline } from './harness/e2e.js';
import { simulate } from './harness/expected-rewards.js';
import { RULES_DIR } from './harness/repo.js';
import { importOnlineRetail, sliceByWeeks } from './harness/retail-slice.js';
import { collectRewards } from './harness/reward-collector.js';

// Six weeks (1 Dec 2010 - 11 Jan 2011, ~3,200 events, ~6,300 rewards) is the smallest slice that
// reaches every reward kind and both clock events: December's holiday double points, birthdays,
// and the first 30-day inactivity nudges in January. About a minute on 2 cores.
const WEEKS = 6;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function perCustomer(rewards: Iterable<Reward>): Map<string, Reward[]> {
  const m = new Map<string, Reward[]>();
  for (const r of rewards) {
    let list = m.get(r.customerId);
    if (!list) m.set(r.customerId, (list = []));
    list.push(r);
  }
  return m;
}

describe('Online Retail through Kafka, rules-engine, scheduler and fulfillment', () => {
  it(`${WEEKS} weeks with the scheduler clock moved day by day: the reward stream equals what simulate --clock daily predicts, reward for reward`, async () => {
    const loaded = await loadRuleset(RULES_DIR);
    if (!loaded.ok) throw new Error(`rules/ does not load: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
    const year = await importOnlineRetail();
    const slice = sliceByWeeks(year.events, WEEKS, loaded.ruleset.schedule.timezone);
    const { rewards: expected } = await simulate(RULES_DIR, slice.events);

    // The slice must exercise the product, or equality would prove little.
    const kinds = new Set(expected.map((r) => r.kind));
    expect([...kinds].sort()).toEqual(['badge', 'clawback', 'coupon', 'gift', 'points']);
    const clockSources = new Set(expected.filter((r) => r.sourceEventId.startsWith('clock:')).map((r) => r.sourceEventId.split(':')[1]));
    expect([...clockSources].sort()).toEqual(['birthday', 'inactivity']);

    const pipeline = e2ePipeline({ partitions: 3 });
    cleanups.push(() => pipeline.destroy());
    cleanups.push(() => pipeline.stop());
    await pipeline.setup();
    const collector = await collectRewards(pipeline.kafka, pipeline.ctx.topics.rewards, `${pipeline.ctx.runId}.collector`);
    cleanups.push(() => collector.stop());
    await pipeline.start('rules-engine');
    await pipeline.start('scheduler', { clockStart: new Date(slice.days[0]!.startMs).toISOString() });

    await pipeline.replay(slice);
    await pipeline.waitQuiescent({ counters: { rewardsOnTopic: async () => collector.rewards.size }, timeoutMs: 120_000 });

    expect(collector.invalid()).toBe(0);
    expect(collector.rewards.size).toBe(expected.length);
    const got = perCustomer(collector.rewards.values());
    const want = perCustomer(expected);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [customerId, list] of want) expect(got.get(customerId), `rewards of customer ${customerId}`).toEqual(list);
  });
});
