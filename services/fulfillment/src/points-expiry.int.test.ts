import { afterEach, describe, expect, it } from 'vitest';
import { pointsExpireRequestId, type PointsExpireRequest } from '@incentive/events';
import { verifyLedger } from '@incentive/ledger';
import { clawback, openTestDb, points, type TestDb } from '../test/support.js';
import { createRewardApplier, type RewardsTopicItem } from './reward-applier.js';

const clock = { now: () => new Date('2027-03-01T12:00:00Z') };
let offset = 0;
const source = (o: number) => ({ topic: 'rewards', partition: 0, offset: String(o) });
const reward = (r: ReturnType<typeof points>, o = offset++): RewardsTopicItem => ({ reward: r, source: source(o) });
const expire = (customerId: string, date: string, o = offset++): RewardsTopicItem => {
  const request: PointsExpireRequest = { type: 'points.expire', id: pointsExpireRequestId(customerId, date), customerId, asOf: `${date}T00:00:00Z` };
  return { request, source: source(o) };
};

describe('points expiry (FerretDB)', () => {
  let db: TestDb | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('expires exactly the due remaining points once, however often the request is delivered', async () => {
    db = await openTestDb();
    await createRewardApplier({ models: db.models, clock }).apply([
      reward(points('x-1', 100, { rewardId: 'g1', expiresAt: '2027-01-01T10:00:00Z' })),
      reward(points('x-1', 30, { rewardId: 'g2', expiresAt: '2027-01-01T23:00:00Z' })),
      reward(points('x-1', 50, { rewardId: 'g3', expiresAt: '2028-01-01T10:00:00Z' })),
      reward(points('x-1', 7, { rewardId: 'g4' })), // no expiry date: never expires
    ]);
    const request = expire('x-1', '2027-01-02');
    // Twice in one chunk, again from a warm worker, from a cold one (crash), and at a later offset.
    const applier = createRewardApplier({ models: db.models, clock });
    const [first] = await applier.apply([request, request]);
    expect(first).toMatchObject({ kind: 'points.expire', outcome: 'applied', notification: { kind: 'points.expired', template: 'points-expired', payload: { points: 130, balance: 57, grants: 2 } } });
    expect((await applier.apply([request]))[0]).toMatchObject({ outcome: 'duplicate', notification: { payload: { points: 130 } } });
    expect((await createRewardApplier({ models: db.models, clock }).apply([request]))[0]).toMatchObject({ outcome: 'duplicate' });
    const later = { ...request, source: source(offset++) };
    expect((await createRewardApplier({ models: db.models, clock }).apply([later]))[0]).toMatchObject({ outcome: 'duplicate' });
    // The next day's request: nothing more is due.
    expect((await applier.apply([expire('x-1', '2027-01-03')]))[0]).toMatchObject({ outcome: 'noop', reason: 'nothing_due' });

    const expires = await db.models.PointsEntry.find({ customerId: 'x-1', type: 'expire' }).sort({ seq: 1 }).lean();
    expect(expires.map((e) => ({ entryId: e.entryId, points: e.points, links: e.links }))).toEqual([
      { entryId: 'g1:earn:expire', points: -100, links: [{ entryId: 'g1:earn', points: 100 }] },
      { entryId: 'g2:earn:expire', points: -30, links: [{ entryId: 'g2:earn', points: 30 }] },
    ]);
    expect((await db.models.Wallet.findById('x-1').lean())?.points).toBe(57);
    expect(await verifyLedger(db.models, 'x-1')).toEqual({ ok: true, customers: 1, entries: 6 });

    // A year later the last dated grant goes too; the undated one stays.
    await applier.apply([expire('x-1', '2028-01-02')]);
    expect((await db.models.Wallet.findById('x-1').lean())?.points).toBe(7);
    expect((await verifyLedger(db.models, 'x-1')).ok).toBe(true);
  });

  it('a partial clawback then expiry expires the remainder; a refund after expiry reverses nothing more', async () => {
    db = await openTestDb();
    const applier = createRewardApplier({ models: db.models, clock });
    await applier.apply([reward(points('x-2', 100, { rewardId: 'o1-points', orderId: 'o-1', orderAmount: 200, expiresAt: '2027-01-01T00:00:00Z' }))]);
    // 50 of 200 refunded: 25 reversed.
    await applier.apply([reward(clawback('x-2', 'o-1', 50, 'refund-1'))]);
    const [res] = await createRewardApplier({ models: db.models, clock }).apply([expire('x-2', '2027-01-01')]);
    expect(res).toMatchObject({ outcome: 'applied', notification: { payload: { points: 75, balance: 0 } } });
    // The rest refunded after expiry: everything left was expired, nothing to reverse.
    const [late] = await createRewardApplier({ models: db.models, clock }).apply([reward(clawback('x-2', 'o-1', 150, 'refund-2'))]);
    expect(late).toMatchObject({ outcome: 'noop', reason: 'nothing_left_to_reverse' });
    const entries = await db.models.PointsEntry.find({ customerId: 'x-2' }).sort({ seq: 1 }).lean();
    expect(entries.map((e) => [e.type, e.points, e.balanceAfter])).toEqual([['earn', 100, 100], ['clawback', -25, 75], ['expire', -75, 0]]);
    expect((await db.models.Wallet.findById('x-2').lean())?.points).toBe(0);
    expect((await verifyLedger(db.models, 'x-2')).ok).toBe(true);
  });

  it('within one chunk: earn, partial clawback and expiry in order, then a refund only reverses what is left', async () => {
    db = await openTestDb();
    const applier = createRewardApplier({ models: db.models, clock });
    const [, , exp, claw] = await applier.apply([
      reward(points('x-3', 60, { rewardId: 'a', orderId: 'o-a', orderAmount: 100, expiresAt: '2027-01-01T00:00:00Z' })),
      reward(points('x-3', 40, { rewardId: 'b', orderId: 'o-b', orderAmount: 100, expiresAt: '2027-06-01T00:00:00Z' })),
      expire('x-3', '2027-01-02'),
      reward(clawback('x-3', 'o-b', 50, 'refund-b')),
      reward(clawback('x-3', 'o-a', 100, 'refund-a')),
    ]);
    expect(exp).toMatchObject({ outcome: 'applied', notification: { payload: { points: 60, balance: 40 } } });
    expect(claw).toMatchObject({ outcome: 'applied' });
    const all = await db.models.Reward.findById('refund-a').lean();
    expect(all).toMatchObject({ status: 'noop', reason: 'nothing_left_to_reverse' });
    expect((await db.models.Wallet.findById('x-3').lean())?.points).toBe(20);
    expect((await verifyLedger(db.models, 'x-3')).ok).toBe(true);
  });

  it('a crash after the expire entries but before the wallet: redelivery repairs the wallet and expires nothing twice', async () => {
    db = await openTestDb();
    await createRewardApplier({ models: db.models, clock }).apply([
      reward(points('x-4', 40, { rewardId: 'k1', orderId: 'o-k', orderAmount: 40, expiresAt: '2027-01-01T00:00:00Z' }), 500),
      reward(points('x-4', 5, { rewardId: 'k2' }), 501),
    ]);
    const request = expire('x-4', '2027-01-02', 502);
    await createRewardApplier({ models: db.models, clock }).apply([request]);
    // Simulate the crash: the wallet and the order index lag behind the ledger's expire entry.
    const before = (await db.models.PointsEntry.findById('x-4#2').lean())!;
    await db.models.Wallet.collection.updateOne({ _id: 'x-4' } as never, { $set: { headSeq: 2, points: 45, headHash: before.hash, headSource: { topic: 'rewards', partition: 0, offset: '501' } } });
    await db.models.OrderPoints.collection.deleteOne({ _id: 'x-4#o-k#x1' } as never);
    const [again] = await createRewardApplier({ models: db.models, clock }).apply([request]);
    expect(again).toMatchObject({ outcome: 'duplicate', notification: { payload: { points: 40 } } });
    expect(await db.models.PointsEntry.countDocuments({ customerId: 'x-4', type: 'expire' })).toBe(1);
    expect(await db.models.Wallet.findById('x-4').lean()).toMatchObject({ headSeq: 3, points: 5 });
    // The repaired order index tells a later refund that the points expired.
    const [refund] = await createRewardApplier({ models: db.models, clock }).apply([reward(clawback('x-4', 'o-k', 40, 'refund-k'), 503)]);
    expect(refund).toMatchObject({ outcome: 'noop', reason: 'nothing_left_to_reverse' });
    expect((await verifyLedger(db.models, 'x-4')).ok).toBe(true);
  });
});
