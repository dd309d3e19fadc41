import { afterEach, describe, expect, it } from 'vitest';
import {
  BASIC_RULES,
  byId,
  collectRewards,
  connectProducer,
  createTestEnv,
  deleteRedisKeys,
  deleteTopics,
  makeRulesDir,
  produceEvents,
  purchase,
  signup,
  startWorker,
  waitFor,
  type EventInput,
} from './harness.js';
import { simulate } from './simulate.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('rules worker: rebalance', () => {
  it('two workers in one group, a rebalance during a slow batch: every reward exactly once', async () => {
    const rules = makeRulesDir(BASIC_RULES);
    cleanups.push(() => rules.cleanup());
    const env = await createTestEnv({ rulesDir: rules.dir, partitions: 4, extra: { CHUNK_SIZE: '20' } });
    cleanups.push(() => deleteTopics(env));
    cleanups.push(() => deleteRedisKeys(env.env.REDIS_URL!, env.redisPrefix));
    const events: EventInput[] = [];
    for (let c = 0; c < 80; c++) events.push(signup(`s-${c}`, `m-${c}`, c));
    for (let k = 0; k < 10; k++) for (let c = 0; c < 80; c++) events.push(purchase(`p-${c}-${k}`, `m-${c}`, 100 + k * 100 + c, 2 + ((c * 3 + k) % 50)));
    const expected = await simulate(rules.dir, events);

    const rewards = await collectRewards(env);
    cleanups.push(() => rewards.stop());
    const producer = await connectProducer(env);
    cleanups.push(() => producer.disconnect());
    await produceEvents(producer, env.topics.events, events);

    // Worker A is slow: 150 ms inside every chunk, between processing and publishing.
    const a = await startWorker(env, { TEST_SLOW_CHUNK_MS: '150', HTTP_PORT: '0' });
    cleanups.push(() => a.stop());
    await waitFor(() => rewards.items.length >= expected.length * 0.15, { timeoutMs: 60_000, message: 'worker A under way' });
    expect(a.worker.health()).toMatchObject({ joined: true, joins: 1 });
    // Worker B joins mid-batch: the group rebalances while A is inside a slow chunk.
    const b = await startWorker(env, { HTTP_PORT: '0' });
    cleanups.push(() => b.stop());
    await waitFor(() => new Set(rewards.items.map((r) => r.rewardId)).size >= expected.length, {
      timeoutMs: 120_000,
      message: `all ${expected.length} rewards`,
    });
    const processedBy = async (w: typeof a) =>
      (await w.worker.metrics.eventsProcessed.get()).values.reduce((s, v) => s + v.value, 0);
    const [byA, byB] = [await processedBy(a), await processedBy(b)];
    // Both took part: B really got partitions in the rebalance, and it began while A was inside a batch.
    expect(byB).toBeGreaterThan(0);
    expect(byA).toBeGreaterThan(0);
    expect(a.worker.health().joins).toBeGreaterThanOrEqual(2);
    expect(a.worker.health().rebalancesDuringBatch).toBeGreaterThanOrEqual(1);

    const got = byId(rewards.items);
    expect([...got.keys()].sort()).toEqual(expected.map((r) => r.rewardId).sort());
    for (const r of expected) for (const copy of got.get(r.rewardId)!) expect(copy).toEqual(r);
    expect(rewards.items).toHaveLength(expected.length);
    console.info(`rebalance: ${expected.length} rewards; events handled by A ${byA}, by B ${byB} (redelivered ones counted as duplicate/republished)`);
  });
});
