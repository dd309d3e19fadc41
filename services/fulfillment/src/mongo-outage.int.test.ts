import { afterAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { createKafka } from '@incentive/kafka';
import { verifyLedger } from '@incentive/ledger';
import { createLogger } from '@incentive/platform';
import { uniqueGroupId, uniqueId, waitFor } from '@incentive/testing';
import { startPrivateFerretDb } from '../test/private-ferretdb.js';
import { openTestDb, points, type TestDb } from '../test/support.js';
import { loadConfig } from './config.js';
import { connectMongo } from './mongo.js';
import { createMetrics } from './ops/metrics.js';
import { createFulfillmentWorker, type FulfillmentWorker } from './worker.js';

const logger = createLogger({ level: 'silent', name: 'fulfillment-outage-test' });

describe('MongoDB outage', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  });

  it('MongoDB stopped and restarted mid-stream: nothing lost or doubled', async () => {
    const ferret = await startPrivateFerretDb();
    cleanup.push(() => ferret.stop());
    const db: TestDb = await openTestDb(ferret.url);
    cleanup.push(() => db.drop());
    const kafka = createKafka({ brokers: process.env.KAFKA_BROKERS!, clientId: 'fulfillment-outage-test', logger });
    const config = loadConfig({
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      MONGO_URL: ferret.url,
      MONGO_DB: db.dbName,
      MONGO_SERVER_SELECTION_TIMEOUT_MS: '500',
      TOPIC_PREFIX: `${uniqueId('outage')}.`,
      TOPIC_PARTITIONS: '3',
      KAFKA_GROUP_ID: uniqueGroupId('outage-rewards'),
      KAFKA_REDEMPTIONS_GROUP_ID: uniqueGroupId('outage-redeem'),
      KAFKA_MAX_WAIT_MS: '100',
      CHUNK_SIZE: '100',
      RETRY_INITIAL_MS: '50',
      RETRY_MAX_MS: '500',
      HTTP_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    const connection = await connectMongo({ url: ferret.url, dbName: db.dbName, serverSelectionTimeoutMS: 500, appName: 'outage-test' });
    cleanup.push(() => connection.close());
    const worker: FulfillmentWorker = createFulfillmentWorker({ config, logger, kafka, connection, metrics: createMetrics({ defaultMetrics: false }) });
    cleanup.push(() => worker.stop());
    await worker.start();
    const producer: Producer = kafka.producer();
    await producer.connect();
    cleanup.push(() => producer.disconnect());

    const customers = Array.from({ length: 20 }, (_, i) => `out-${i}`);
    const expected = new Map<string, number>();
    let total = 0;
    const send = async (count: number) => {
      const messages = [];
      for (let i = 0; i < count; i++) {
        const c = customers[(total + i) % customers.length]!;
        const pts = 1 + ((total + i) % 9);
        expected.set(c, (expected.get(c) ?? 0) + pts);
        messages.push({ key: c, value: JSON.stringify(points(c, pts, { rewardId: `out-r${total + i}` })) });
      }
      total += count;
      await producer.send({ topic: worker.topics.rewards, messages });
    };
    const entries = () => db.models.PointsEntry.estimatedDocumentCount();

    for (let i = 0; i < 10; i++) await send(150);
    await waitFor(async () => (await entries()) >= 200, { timeoutMs: 60_000, message: 'some rewards applied before the outage' });
    await ferret.kill();
    for (let i = 0; i < 10; i++) await send(150);
    await waitFor(() => worker.health().rewards.degraded, { timeoutMs: 30_000, message: 'rewards consumer paused on the outage' });
    const readyz = await fetch(`http://127.0.0.1:${worker.opsPort()}/readyz`);
    expect(readyz.status).toBe(503);
    await ferret.restart();
    // Reward records are the last write of a chunk: when all are there, every chunk completed.
    await waitFor(async () => (await db.models.Reward.estimatedDocumentCount()) === total, { timeoutMs: 120_000, intervalMs: 250, message: `all ${total} rewards applied after the restart` });
    await waitFor(() => !worker.health().rewards.degraded, { timeoutMs: 30_000, message: 'consumer resumed' });

    expect(await entries()).toBe(total);
    const wallets = await db.models.Wallet.find({}).lean();
    expect(Object.fromEntries(wallets.map((w) => [w._id, w.points]))).toEqual(Object.fromEntries(expected));
    expect(await verifyLedger(db.models)).toEqual({ ok: true, customers: customers.length, entries: total });
    const failures = (await worker.metrics.transientFailures.get()).values.find((v) => v.labels.consumer === 'rewards');
    expect(failures?.value).toBeGreaterThan(0);
  });
});
