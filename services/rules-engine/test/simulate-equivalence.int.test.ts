import { describe, expect, it } from 'vitest';
import type { Reward } from '@incentive/events';
import {
  collectRewards,
  connectProducer,
  type EventInput,
  produceEvents,
  setUpTestEnv,
  startWorker,
  useCleanups,
  waitFor,
} from './harness.js';
import { simulate } from './simulate.js';

const cleanups = useCleanups();

/** Deterministic pseudo-random numbers (LCG) so the workload is the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const DAY = 86_400_000;
const START = Date.parse('2026-10-01T09:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Phase 1: referrers sign up. Phase 2: every other customer signs up (some referred), buys over three
 * months (tiers, streaks, December double points, high spenders), refunds some orders; birthdays and
 * inactivity clock events; each referrer is credited at most once, so cross-partition order of the
 * derived events cannot change any reward.
 */
function workload(): { phase1: EventInput[]; phase2: EventInput[] } {
  const rand = rng(42);
  const phase1: EventInput[] = [];
  const phase2: EventInput[] = [];
  const referrers = Array.from({ length: 15 }, (_, i) => `ref-${i}`);
  referrers.forEach((c, i) => phase1.push({ id: `su-${c}`, type: 'signup', customerId: c, occurredAt: iso(START + i * 60_000), data: { country: 'GB', birthday: '1980-11-15' } }));
  for (let c = 0; c < 60; c++) {
    const id = `cu-${c}`;
    let t = START + DAY + c * 3_600_000;
    const referred = c < referrers.length;
    phase2.push({ id: `su-${id}`, type: 'signup', customerId: id, occurredAt: iso(t), data: { country: 'GB', birthday: `19${70 + (c % 30)}-${String(10 + (c % 3)).padStart(2, '0')}-${String(1 + (c % 28)).padStart(2, '0')}` } });
    if (referred) phase2.push({ id: `rf-${id}`, type: 'referral', customerId: id, occurredAt: iso(t + 60_000), data: { referrerId: referrers[c]! } });
    const orders = 2 + Math.floor(rand() * 10);
    const big = c % 7 === 0;
    let lastPurchase = t;
    for (let k = 0; k < orders; k++) {
      t += Math.floor((3 + rand() * 9) * DAY);
      const amount = Math.round((big ? 400 + rand() * 1600 : 10 + rand() * 150) * 100) / 100;
      phase2.push({ id: `pu-${id}-${k}`, type: 'purchase', customerId: id, occurredAt: iso(t), data: { orderId: `o-${id}-${k}`, amount, currency: 'GBP' } });
      lastPurchase = t;
      if (rand() < 0.15) {
        phase2.push({ id: `rd-${id}-${k}`, type: 'refund', customerId: id, occurredAt: iso(t + DAY), data: { orderId: `o-${id}-${k}`, amount: Math.round(amount * 50) / 100, currency: 'GBP' } });
        t += DAY;
      }
    }
    if (c % 5 === 0) {
      phase2.push({ id: `clock:inactivity:${id}:30:${iso(lastPurchase)}`, type: 'inactivity', customerId: id, occurredAt: iso(lastPurchase + 30 * DAY), data: { days: 30, lastPurchaseAt: iso(lastPurchase) } });
    }
    if (c % 4 === 0) {
      phase2.push({ id: `clock:birthday:${id}:2026`, type: 'birthday', customerId: id, occurredAt: iso(lastPurchase + 2 * DAY), data: { monthDay: '12-24', year: 2026 } });
    }
  }
  return { phase1, phase2 };
}

function perCustomer(rewards: Reward[]): Map<string, Reward[]> {
  const m = new Map<string, Reward[]>();
  for (const r of rewards) m.set(r.customerId, [...(m.get(r.customerId) ?? []), r]);
  return m;
}

describe('rules worker: same output as the in-memory pipeline', () => {
  it('for the same input the worker reward stream equals simulate (ids, fields and per-customer order), shipped catalogue', async () => {
    const env = await setUpTestEnv(cleanups, { rules: 'shipped', partitions: 4, extra: { CHUNK_SIZE: '64' } });
    const { rules } = env;
    const { phase1, phase2 } = workload();
    const expected = await simulate(rules.dir, [...phase1, ...phase2]);
    const kinds = new Set(expected.map((r) => r.ruleId));
    // The workload exercises most of the catalogue, or the comparison would prove little.
    expect(kinds.size).toBeGreaterThanOrEqual(9);

    const rewards = await collectRewards(env);
    cleanups.push(() => rewards.stop());
    const producer = await connectProducer(env);
    cleanups.push(() => producer.disconnect());
    const w = await startWorker(env);
    cleanups.push(() => w.stop());

    await produceEvents(producer, env.topics.events, phase1);
    const phase1Rewards = expected.filter((r) => r.customerId.startsWith('ref-') && !r.ruleId.startsWith('referrer')).length;
    await waitFor(() => rewards.items.length >= phase1Rewards, { timeoutMs: 60_000, message: 'referrers signed up' });
    // Phase 2 as one Kafka transaction, as the scheduler publishes: its commit markers take offsets
    // the worker never sees as messages, and must still be committed past (lag 0, below).
    const txProducer = env.kafka.producer({ transactionalId: `${env.groupId}-tx`, idempotent: true, maxInFlightRequests: 1 });
    await txProducer.connect();
    cleanups.push(() => txProducer.disconnect());
    const tx = await txProducer.transaction();
    await tx.send({ topic: env.topics.events, messages: phase2.map((e) => ({ key: e.customerId, value: JSON.stringify(e) })) });
    await tx.commit();
    await waitFor(() => new Set(rewards.items.map((r) => r.rewardId)).size >= expected.length, {
      timeoutMs: 90_000,
      message: `${expected.length} rewards`,
    });

    expect(rewards.items).toHaveLength(expected.length);
    const got = perCustomer(rewards.items);
    const want = perCustomer(expected);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [customerId, list] of want) expect(got.get(customerId), customerId).toEqual(list);

    // An aborted transaction at the end of one partition: the worker never sees its message (read
    // committed), kafkajs skips it and its marker on its own, and the offsets must move past them.
    const aborted = await txProducer.transaction();
    await aborted.send({ topic: env.topics.events, messages: [{ key: 'cu-0', value: JSON.stringify({ ...phase2[0], id: 'aborted-1' }) }] });
    await aborted.abort();

    // While the worker keeps running, with nothing new to consume, its offsets still get committed
    // (the last chunks before a quiet spell; lag monitoring and the e2e quiescence check read them).
    const admin = env.kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const ends = await admin.fetchTopicOffsets(env.topics.events);
    const committedAtEnd = async () => {
      const [committed] = await admin.fetchOffsets({ groupId: env.groupId, topics: [env.topics.events] });
      return ends.every((e) => committed!.partitions.find((p) => p.partition === e.partition)?.offset === e.high);
    };
    await waitFor(committedAtEnd, { timeoutMs: 15_000, message: 'committed offsets at the end of every partition while the worker idles' });
    expect(rewards.items).toHaveLength(expected.length);
    console.info(`simulate-equivalence: ${expected.length} rewards from ${phase1.length + phase2.length} events, rules: ${[...kinds].sort().join(', ')}`);
  });
});
