import { createServer } from 'node:net';
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
  spawnWorker,
  useCleanups,
  waitFor,
} from './harness.js';
import { simulate } from './simulate.js';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const cleanups = useCleanups();

function workload(customers: number, purchasesEach: number): EventInput[] {
  const events: EventInput[] = [];
  for (let c = 0; c < customers; c++) events.push(signup(`s-${c}`, `cust-${c}`, c));
  for (let k = 0; k < purchasesEach; k++) {
    for (let c = 0; c < customers; c++) events.push(purchase(`p-${c}-${k}`, `cust-${c}`, customers + k * customers + c, 5 + ((c * 7 + k * 13) % 90)));
  }
  return events;
}

describe('rules worker: crash and restart', () => {
  it('a worker SIGKILLed mid-stream and restarted issues every expected reward exactly once (by rewardId), nothing missing', async () => {
    const env = await setUpTestEnv(cleanups, { partitions: 3, extra: { CHUNK_SIZE: '40', TEST_SLOW_CHUNK_MS: '15' } });
    const { rules } = env;
    const events = workload(150, 12);
    const expected = await simulate(rules.dir, events);
    expect(expected.length).toBe(150 + 150 * 12);

    const rewards = await collectRewards(env);
    cleanups.push(() => rewards.stop());
    const producer = await connectProducer(env);
    cleanups.push(() => producer.disconnect());
    for (let i = 0; i < events.length; i += 500) await produceEvents(producer, env.topics.events, events.slice(i, i + 500));

    const first = spawnWorker(env);
    cleanups.push(() => void first.child.kill('SIGKILL'));
    await waitFor(() => rewards.items.length >= expected.length * 0.3, { timeoutMs: 90_000, message: `30% of rewards before the kill; worker output: ${first.output()}` });
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = new Set(rewards.items.map((r) => r.rewardId)).size;
    expect(atKill).toBeLessThan(expected.length);

    const httpPort = await freePort();
    const second = spawnWorker(env, { HTTP_PORT: String(httpPort) });
    cleanups.push(async () => {
      second.child.kill('SIGKILL');
      await second.exited;
    });
    await waitFor(() => new Set(rewards.items.map((r) => r.rewardId)).size >= expected.length, {
      timeoutMs: 120_000,
      message: `all ${expected.length} distinct rewards; worker output: ${second.output()}`,
    });

    const got = byId(rewards.items);
    expect([...got.keys()].sort()).toEqual(expected.map((r) => r.rewardId).sort());
    for (const r of expected) {
      // Every copy of a reward is identical to what the in-memory pipeline issues.
      for (const copy of got.get(r.rewardId)!) expect(copy).toEqual(r);
    }
    // Copies beyond one can only come from the chunk in flight at the kill (acknowledged by Kafka,
    // not yet marked published): bounded by one chunk per partition.
    const extra = rewards.items.length - got.size;
    expect(extra).toBeLessThanOrEqual(3 * 40);

    // Operations endpoints of the real process.
    const health = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
    expect(health.status).toBe(200);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status === 200, { message: 'readyz 200' });
    const metricsText = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    const sample = (re: RegExp) => Number(re.exec(metricsText)?.[1] ?? NaN);
    // The restarted process did part of the work: its per-rule counters and outcome counts show it.
    expect(sample(/rules_engine_rule_rewards_total\{rule="points-per-pound",kind="points"\} (\d+)/)).toBeGreaterThan(0);
    expect(sample(/rules_engine_rule_evaluations_total\{rule="points-per-pound"\} (\d+)/)).toBeGreaterThan(0);
    expect(sample(/rules_engine_rule_matches_total\{rule="points-per-pound"\} (\d+)/)).toBeGreaterThan(0);
    expect(sample(/rules_engine_events_processed_total\{outcome="rewarded"\} (\d+)/)).toBeGreaterThan(0);
    expect(sample(/rules_engine_event_latency_seconds_count (\d+)/)).toBeGreaterThan(0);
    expect(metricsText).toMatch(/rules_engine_consumer_lag\{topic="[^"]+",partition="0"\} \d+/);
    const republished = /rules_engine_events_processed_total\{outcome="republished"\} (\d+)/.exec(metricsText)?.[1] ?? '0';

    // Graceful stop: SIGTERM ends the process with 128+15 after committing; the group is at the end of every partition.
    const t0 = Date.now();
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(143);
    const stopMs = Date.now() - t0;
    const admin = env.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(env.topics.events);
      const [committed] = await admin.fetchOffsets({ groupId: env.groupId, topics: [env.topics.events] });
      for (const end of ends) {
        expect(committed!.partitions.find((p) => p.partition === end.partition)?.offset).toBe(end.high);
      }
    } finally {
      await admin.disconnect();
    }
    console.info(`crash-restart: graceful stop took ${stopMs} ms; ${republished} events re-published from the outbox after the kill`);
    console.info(`crash-restart: ${expected.length} rewards, ${atKill} before the kill, ${extra} duplicate copies on the topic`);
  });
});
