import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
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

/** A private redis-server with an fsync-always append-only file, so a restart keeps every write. */
function startRedis(port: number, dir: string): { proc: ChildProcess; exited: Promise<void> } {
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return { proc, exited };
}

async function redisAnswers(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

describe('rules worker: Redis outage', () => {
  it('Redis stopped and restarted mid-stream: the partition pauses, processing resumes, no reward lost or doubled', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 're-redis-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const url = `redis://127.0.0.1:${port}`;
    let redis = startRedis(port, dir);
    cleanups.push(async () => {
      redis.proc.kill('SIGTERM');
      await redis.exited;
    });
    await waitFor(() => redisAnswers(url), { timeoutMs: 20_000, message: 'private redis up' });

    const env = await setUpTestEnv(cleanups, { partitions: 3, extra: { REDIS_URL: url, CHUNK_SIZE: '25', RETRY_MAX_MS: '500' }, ownRedis: true });
    const { rules } = env;

    const events: EventInput[] = [];
    for (let c = 0; c < 100; c++) events.push(signup(`s-${c}`, `u-${c}`, c));
    for (let k = 0; k < 15; k++) for (let c = 0; c < 100; c++) events.push(purchase(`p-${c}-${k}`, `u-${c}`, 100 + k * 100 + c, 3 + ((c + k) % 40)));
    const expected = await simulate(rules.dir, events);

    const rewards = await collectRewards(env);
    cleanups.push(() => rewards.stop());
    const producer = await connectProducer(env);
    cleanups.push(() => producer.disconnect());
    const w = await startWorker(env);
    cleanups.push(() => w.stop());

    // First part of the stream, then stop Redis while the rest arrives.
    const cut = Math.floor(events.length / 3);
    await produceEvents(producer, env.topics.events, events.slice(0, cut));
    await waitFor(() => rewards.items.length >= expected.length / 6, { timeoutMs: 60_000, message: 'some rewards before the outage' });
    redis.proc.kill('SIGTERM');
    await redis.exited;
    for (let i = cut; i < events.length; i += 400) await produceEvents(producer, env.topics.events, events.slice(i, i + 400));

    const failures = async () => (await w.worker.metrics.transientFailures.get()).values.reduce((s, v) => s + v.value, 0);
    await waitFor(async () => (await failures()) >= 3, { timeoutMs: 60_000, message: 'retries while Redis is down' });
    expect((await w.worker.metrics.pausedPartitions.get()).values[0]!.value).toBeGreaterThan(0);
    const duringOutage = rewards.items.length;
    expect(duringOutage).toBeLessThan(expected.length);
    const ready = await fetch(`http://127.0.0.1:${w.worker.httpPort()}/readyz`);
    expect(ready.status).toBe(503);

    redis = startRedis(port, dir);
    await waitFor(() => new Set(rewards.items.map((r) => r.rewardId)).size >= expected.length, {
      timeoutMs: 120_000,
      message: `all ${expected.length} rewards after Redis came back`,
    });
    const got = byId(rewards.items);
    expect([...got.keys()].sort()).toEqual(expected.map((r) => r.rewardId).sort());
    expect(rewards.items).toHaveLength(expected.length);
    for (const r of expected) expect(got.get(r.rewardId)![0]).toEqual(r);
    expect((await w.worker.metrics.pausedPartitions.get()).values[0]!.value).toBe(0);
    console.info(`redis-outage: ${expected.length} rewards, ${duringOutage} before/at the outage, ${await failures()} retried stage attempts`);
  });
});
