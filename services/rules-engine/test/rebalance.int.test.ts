import { AssignerProtocol } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  byId,
  collectRewards,
  connectProducer,
  type EventInput,
  produceEvents,
  purchase,
  setUpTestEnv,
  signup,
  startWorker,
  useCleanups,
  waitFor,
} from './harness.js';
import { simulate } from './simulate.js';

const cleanups = useCleanups();

/**
 * A test env with the basic rules, a reward collector and a producer (all cleaned up after the test),
 * and a shop: `customers` signups, then ten rounds of one purchase each, with the rewards `simulate`
 * expects for it.
 */
async function setUp(o: { partitions: number; extra: Record<string, string>; customers: number; prefix: string; stride: number }) {
  const env = await setUpTestEnv(cleanups, { partitions: o.partitions, extra: o.extra });
  const { rules } = env;
  const events: EventInput[] = [];
  for (let c = 0; c < o.customers; c++) events.push(signup(`s-${c}`, `${o.prefix}-${c}`, c));
  for (let k = 0; k < 10; k++) {
    for (let c = 0; c < o.customers; c++) events.push(purchase(`p-${c}-${k}`, `${o.prefix}-${c}`, 100 + k * 100 + c, 2 + ((c * o.stride + k) % 50)));
  }
  const expected = await simulate(rules.dir, events);
  const rewards = await collectRewards(env);
  cleanups.push(() => rewards.stop());
  const producer = await connectProducer(env);
  cleanups.push(() => producer.disconnect());
  return { env, events, expected, rewards, producer };
}

describe('rules worker: rebalance', () => {
  it('two workers in one group, a rebalance during a slow batch: every reward exactly once', async () => {
    const { env, events, expected, rewards, producer } = await setUp({ partitions: 4, extra: { CHUNK_SIZE: '20' }, customers: 80, prefix: 'm', stride: 3 });
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

  it('several members in one process (KAFKA_CONSUMERS=3): partitions spread over them, stopped and restarted mid-stream, every reward exactly once', async () => {
    const { env, events, expected, rewards, producer } = await setUp({ partitions: 6, extra: { CHUNK_SIZE: '20', KAFKA_CONSUMERS: '3' }, customers: 60, prefix: 'k', stride: 7 });

    const first = await startWorker(env, { TEST_SLOW_CHUNK_MS: '20' });
    cleanups.push(() => first.stop());
    await waitFor(() => first.worker.health().joined, { timeoutMs: 60_000, message: 'all three members joined' });
    expect(first.worker.health()).toMatchObject({ members: 3, membersJoined: 3 });
    const ready = await fetch(`http://127.0.0.1:${first.worker.httpPort()}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, groupJoined: true, membersJoined: '3/3' });
    const admin = env.kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    // Three members of the group, every one of them holding partitions.
    const group = await waitFor(
      async () => {
        const [g] = (await admin.describeGroups([env.groupId])).groups;
        return g?.state === 'Stable' && g.members.length === 3 ? g : undefined;
      },
      { timeoutMs: 60_000, message: 'a stable group of three members' },
    );
    for (const m of group.members) {
      const assignment = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
      expect(Object.values(assignment?.assignment ?? {}).flat().length).toBeGreaterThan(0);
    }

    await produceEvents(producer, env.topics.events, events);
    await waitFor(() => rewards.items.length >= expected.length * 0.3, { timeoutMs: 60_000, message: 'under way' });
    // A graceful stop of all members mid-stream, then a fresh process with three members again.
    await first.stop();
    const second = await startWorker(env);
    cleanups.push(() => second.stop());
    await waitFor(() => new Set(rewards.items.map((r) => r.rewardId)).size >= expected.length, { timeoutMs: 120_000, message: `all ${expected.length} rewards` });

    const got = byId(rewards.items);
    expect([...got.keys()].sort()).toEqual(expected.map((r) => r.rewardId).sort());
    for (const r of expected) for (const copy of got.get(r.rewardId)!) expect(copy).toEqual(r);
    expect(rewards.items).toHaveLength(expected.length);
  });
});
