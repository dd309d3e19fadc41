import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { pointsExpireRequestId, type PurchaseEvent, type Reward } from '@incentive/events';
import { createKafka, DEAD_LETTER_HEADERS } from '@incentive/kafka';
import { createLogger } from '@incentive/platform';
import { uniqueGroupId, uniqueId, waitFor } from '@incentive/testing';
import { coupon, openTestDb, points, type TestDb } from '../test/support.js';
import { loadConfig } from './config.js';
import { createMetrics } from './ops/metrics.js';
import { createFulfillmentWorker, type FulfillmentWorker } from './worker.js';

const logger = createLogger({ level: 'silent', name: 'fulfillment-test' });

describe('fulfillment worker (Kafka + FerretDB)', () => {
  let db: TestDb;
  let kafka: Kafka;
  let producer: Producer;
  let worker: FulfillmentWorker;
  let watcher: Consumer;
  const seen = { notifications: [] as { key: string; value: Record<string, unknown> }[], dlq: [] as { headers: Record<string, string>; value: string }[] };
  const prefix = `${uniqueId('ful')}.`;

  beforeAll(async () => {
    db = await openTestDb();
    kafka = createKafka({ brokers: process.env.KAFKA_BROKERS!, clientId: 'fulfillment-test', logger });
    const config = loadConfig({
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      MONGO_URL: process.env.MONGO_URL,
      TOPIC_PREFIX: prefix,
      TOPIC_PARTITIONS: '3',
      KAFKA_GROUP_ID: uniqueGroupId('ful-rewards'),
      KAFKA_REDEMPTIONS_GROUP_ID: uniqueGroupId('ful-redeem'),
      KAFKA_MAX_WAIT_MS: '100',
      HTTP_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    worker = createFulfillmentWorker({ config, logger, kafka, connection: db.connection, metrics: createMetrics({ defaultMetrics: false }) });
    await worker.start();
    producer = kafka.producer();
    await producer.connect();
    watcher = kafka.consumer({ groupId: uniqueGroupId('ful-watch'), maxWaitTimeInMs: 100 });
    await watcher.connect();
    await watcher.subscribe({ topics: [worker.topics.notifications, worker.topics.rewardsDlq], fromBeginning: true });
    await watcher.run({
      eachMessage: async ({ topic, message }) => {
        if (topic === worker.topics.notifications) seen.notifications.push({ key: message.key!.toString(), value: JSON.parse(message.value!.toString()) as Record<string, unknown> });
        else seen.dlq.push({ value: message.value!.toString(), headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])) });
      },
    });
    await waitFor(() => worker.health().rewards.joined && worker.health().redemptions.joined, { timeoutMs: 60_000, message: 'worker joined its groups' });
  });

  afterAll(async () => {
    await watcher?.disconnect();
    await producer?.disconnect();
    await worker?.stop();
    await db?.drop();
  });

  const publishRewards = (rewards: (Reward | string)[]) =>
    producer.send({
      topic: worker.topics.rewards,
      messages: rewards.map((r) => (typeof r === 'string' ? { key: 'bad', value: r } : { key: r.customerId, value: JSON.stringify(r) })),
    });

  it('a reward delivered twice yields one coupon and one ledger entry, and notifies', async () => {
    const p = points('k-1', 40, { rewardId: 'k-1-points' });
    const c = coupon('k-1', { rewardId: 'k-1-coupon', codePrefix: 'WELCOME' });
    await publishRewards([p, c, p, c]);
    await waitFor(async () => (await db.models.Reward.countDocuments({ customerId: 'k-1' })) === 2, { timeoutMs: 30_000, message: 'two rewards recorded' });
    await waitFor(() => seen.notifications.filter((n) => n.key === 'k-1').length >= 2, { message: 'notifications published' });
    expect(await db.models.Coupon.countDocuments({ customerId: 'k-1' })).toBe(1);
    expect(await db.models.PointsEntry.countDocuments({ customerId: 'k-1' })).toBe(1);
    expect((await db.models.Wallet.findById('k-1').lean())?.points).toBe(40);
    const couponNote = seen.notifications.find((n) => n.value.rewardId === 'k-1-coupon')!;
    expect(couponNote.value).toMatchObject({ customerId: 'k-1', kind: 'reward.coupon', template: 'coupon-issued' });
    expect(String((couponNote.value.payload as Record<string, unknown>).code)).toMatch(/^WELCOME-/);
  });

  it('a reward that fails its schema goes to the rewards DLQ with the reason', async () => {
    await publishRewards([JSON.stringify({ ...points('k-2', 5), points: -3 }), '{not json']);
    await waitFor(() => seen.dlq.length >= 2, { timeoutMs: 30_000, message: 'two dead letters' });
    const schema = seen.dlq.find((d) => d.headers[DEAD_LETTER_HEADERS.errorCode] === 'schema')!;
    expect(schema.headers[DEAD_LETTER_HEADERS.errorMessage]).toMatch(/points/);
    expect(schema.headers[DEAD_LETTER_HEADERS.originTopic]).toBe(worker.topics.rewards);
    expect(seen.dlq.some((d) => d.headers[DEAD_LETTER_HEADERS.errorCode] === 'invalid_json')).toBe(true);
    expect(await db.models.PointsEntry.countDocuments({ customerId: 'k-2' })).toBe(0);
  });

  it('redeeming a coupon twice records one redemption and one rejection with its reason', async () => {
    await publishRewards([coupon('k-3', { rewardId: 'k-3-coupon', minSpend: 20 })]);
    const issued = await waitFor(() => db.models.Coupon.findOne({ rewardId: 'k-3-coupon' }).lean(), { timeoutMs: 30_000, message: 'coupon issued' });
    const purchase = (id: string, amount: number, codes: string[], customerId = 'k-3'): PurchaseEvent => ({
      id,
      type: 'purchase',
      customerId,
      occurredAt: '2026-03-02T10:00:00Z',
      data: { orderId: `o-${id}`, amount, currency: 'EUR', couponCodes: codes },
    });
    const events = [
      purchase('p-small', 10, [issued.display]), // below min spend
      purchase('p-other', 50, [issued.display], 'k-4'), // someone else's code
      purchase('p-1', 50, [issued.display.toLowerCase()]), // accepted (case and dashes do not matter)
      purchase('p-2', 60, [issued._id]), // already redeemed
      purchase('p-typo', 60, [issued._id.slice(0, -1) + (issued._id.endsWith('2') ? '3' : '2')]),
    ];
    const send = () => producer.send({ topic: worker.topics.events, messages: events.map((e) => ({ key: e.customerId, value: JSON.stringify(e) })) });
    await send();
    await send(); // redelivered purchases record nothing new
    await waitFor(async () => (await db.models.Redemption.countDocuments({})) === 5, { timeoutMs: 30_000, message: 'five redemptions recorded' });
    const byEvent = Object.fromEntries((await db.models.Redemption.find({}).lean()).map((r) => [r.eventId, { status: r.status, reason: r.reason }]));
    expect(byEvent).toEqual({
      'p-small': { status: 'rejected', reason: 'below_min_spend' },
      'p-other': { status: 'rejected', reason: 'other_customer' },
      'p-1': { status: 'accepted', reason: undefined },
      'p-2': { status: 'rejected', reason: 'already_redeemed' },
      'p-typo': { status: 'rejected', reason: 'bad_check_character' },
    });
    expect(await db.models.Coupon.findById(issued._id).lean()).toMatchObject({ status: 'redeemed', redeemedEventId: 'p-1' });
  });

  it('serves /healthz, /readyz and /metrics', async () => {
    const base = `http://127.0.0.1:${worker.opsPort()}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/fulfillment_rewards_total\{kind="points",outcome="applied"\} 1/);
  });

  // After the metrics test: it counts the points rewards of the tests above.
  it('a points.expire request on the rewards topic, delivered twice, expires the due points once; an unknown type is dead-lettered', async () => {
    const request = { type: 'points.expire', id: pointsExpireRequestId('k-9', '2027-01-02'), customerId: 'k-9', asOf: '2027-01-02T00:00:00Z' };
    // Keyed by customer, as the scheduler publishes it: in order with the customer's rewards.
    const grants = [points('k-9', 80, { rewardId: 'k-9-a', expiresAt: '2027-01-01T12:00:00Z' }), points('k-9', 20, { rewardId: 'k-9-b', expiresAt: '2028-01-01T12:00:00Z' })];
    await producer.send({
      topic: worker.topics.rewards,
      messages: [...grants, request, request, { ...request, type: 'points.grant' }].map((m) => ({ key: 'k-9', value: JSON.stringify(m) })),
    });
    // Reward records are written concurrently with the ledger: wait on the wallet (written after it).
    await waitFor(async () => (await db.models.Reward.countDocuments({ customerId: 'k-9' })) === 3 && (await db.models.Wallet.findById('k-9').lean())?.headSeq === 3, { timeoutMs: 30_000, message: 'two rewards and the request applied' });
    await waitFor(() => seen.dlq.some((d) => d.value.includes('points.grant')), { timeoutMs: 30_000, message: 'unknown type dead-lettered' });
    const dead = seen.dlq.find((d) => d.value.includes('points.grant'))!;
    expect(dead.headers[DEAD_LETTER_HEADERS.errorMessage]).toMatch(/type/);
    const expired = await db.models.PointsEntry.find({ customerId: 'k-9', type: 'expire' }).lean();
    expect(expired.map((e) => [e.entryId, e.points])).toEqual([['k-9-a:earn:expire', -80]]);
    expect((await db.models.Wallet.findById('k-9').lean())?.points).toBe(20);
    await waitFor(() => seen.notifications.some((n) => n.value.rewardId === request.id), { message: 'expiry notified' });
    expect(seen.notifications.find((n) => n.value.rewardId === request.id)!.value).toMatchObject({ kind: 'points.expired', payload: { points: 80, balance: 20 } });
  });
});
