import { afterEach, describe, expect, it } from 'vitest';
import { verifyLedger } from '@incentive/ledger';
import { clawback, coupon, openTestDb, points, type TestDb } from '../test/support.js';
import { createRewardApplier, type RewardMessage } from './reward-applier.js';

const clock = { now: () => new Date('2026-03-01T12:00:00Z') };
let offset = 0;
const msg = (reward: RewardMessage['reward'], o = offset++): RewardMessage => ({ reward, source: { topic: 'rewards', partition: 0, offset: String(o) } });

describe('reward applier (FerretDB)', () => {
  let db: TestDb | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('redelivery yields one coupon and one ledger entry', async () => {
    db = await openTestDb();
    const chunk = [msg(points('c-1', 50, { rewardId: 'r-points' })), msg(coupon('c-1', { rewardId: 'r-coupon' }))];
    const first = await createRewardApplier({ models: db.models, clock }).apply(chunk);
    expect(first.map((r) => r.outcome)).toEqual(['applied', 'applied']);
    // Same worker again (warm cache) and a fresh worker (cold start after a crash).
    const again = await createRewardApplier({ models: db.models, clock }).apply(chunk);
    expect(again.map((r) => r.outcome)).toEqual(['duplicate', 'duplicate']);
    // A duplicate published at a later offset: caught by the unique entry id / reward id.
    const later = await createRewardApplier({ models: db.models, clock }).apply([msg(points('c-1', 50, { rewardId: 'r-points' })), msg(coupon('c-1', { rewardId: 'r-coupon' }))]);
    expect(later.map((r) => r.outcome)).toEqual(['duplicate', 'duplicate']);
    expect(await db.models.Coupon.countDocuments({ customerId: 'c-1' })).toBe(1);
    expect(await db.models.PointsEntry.countDocuments({ customerId: 'c-1' })).toBe(1);
    expect((await db.models.Wallet.findById('c-1').lean())?.points).toBe(50);
    // The notification of the duplicate coupon still carries the code that was issued.
    const code = (await db.models.Coupon.findOne({ customerId: 'c-1' }).lean())!.display;
    expect(later[1]!.notification?.payload.code).toBe(code);
  });

  it('a burst of 1,000 rewards for one customer: balance equals the ledger sum', async () => {
    db = await openTestDb();
    const applier = createRewardApplier({ models: db.models, clock });
    let expected = 0;
    const all: RewardMessage[] = [];
    for (let i = 0; i < 1000; i++) {
      const p = 1 + ((i * 7) % 13);
      expected += p;
      all.push(msg(points('burst', p)));
    }
    for (let i = 0; i < all.length; i += 250) await applier.apply(all.slice(i, i + 250));
    const entries = await db.models.PointsEntry.find({ customerId: 'burst' }).lean();
    expect(entries).toHaveLength(1000);
    const sum = entries.reduce((s, e) => s + e.points, 0);
    const wallet = await db.models.Wallet.findById('burst').lean();
    expect(sum).toBe(expected);
    expect(wallet?.points).toBe(sum);
    expect(wallet?.headSeq).toBe(1000);
    expect(await verifyLedger(db.models, 'burst')).toEqual({ ok: true, customers: 1, entries: 1000 });
  });

  it('clawback of a partial refund reverses exactly pro rata, linked to the earn entry', async () => {
    db = await openTestDb();
    const applier = createRewardApplier({ models: db.models, clock });
    await applier.apply([msg(points('cb', 333, { rewardId: 'earn-o1', orderId: 'o-1', orderAmount: 200 })), msg(points('cb', 10))]);
    // 45.50 of 200.00 refunded: floor(333 × 45.5 / 200) = 75
    const [res] = await createRewardApplier({ models: db.models, clock }).apply([msg(clawback('cb', 'o-1', 45.5, 'refund-1'))]);
    expect(res).toMatchObject({ outcome: 'applied' });
    const entry = await db.models.PointsEntry.findOne({ entryId: 'refund-1:clawback' }).lean();
    expect(entry).toMatchObject({ type: 'clawback', points: -75, balanceAfter: 333 + 10 - 75, links: [{ entryId: 'earn-o1:earn', points: 75 }] });
    // Refunding the rest reverses the rest, never more than was earned.
    await applier.apply([msg(clawback('cb', 'o-1', 154.5)), msg(clawback('cb', 'o-1', 20))]);
    const reversed = (await db.models.PointsEntry.find({ customerId: 'cb', type: 'clawback' }).lean()).reduce((s, e) => s - e.points, 0);
    expect(reversed).toBe(333);
    expect((await db.models.Wallet.findById('cb').lean())?.points).toBe(10);
    expect(await db.models.Reward.findById(`${(await db.models.Reward.find({ kind: 'clawback', status: 'noop' }).lean())[0]?._id}`).lean()).toMatchObject({ reason: 'nothing_left_to_reverse' });
    expect((await verifyLedger(db.models, 'cb')).ok).toBe(true);
  });

  it('a ledger entry edited in the database fails verification, naming the entry', async () => {
    db = await openTestDb();
    await createRewardApplier({ models: db.models, clock }).apply([msg(points('t', 5, { rewardId: 't1' })), msg(points('t', 7, { rewardId: 't2' })), msg(points('t', 9, { rewardId: 't3' }))]);
    expect((await verifyLedger(db.models)).ok).toBe(true);
    await db.models.PointsEntry.collection.updateOne({ entryId: 't2:earn' }, { $set: { points: 700, balanceAfter: 705 } });
    expect(await verifyLedger(db.models, 't')).toMatchObject({ ok: false, customerId: 't', entryId: 't2:earn', seq: 2 });
  });

  it('repairs the wallet from the chain after a crash between ledger and wallet writes', async () => {
    db = await openTestDb();
    const applier = createRewardApplier({ models: db.models, clock });
    await applier.apply([msg(points('lag', 5), 100), msg(points('lag', 6, { orderId: 'o9', orderAmount: 10 }), 101)]);
    // Simulate the crash: wallet and order doc lag behind the ledger.
    await db.models.Wallet.collection.updateOne({ _id: 'lag' } as never, { $set: { headSeq: 1, points: 5, headHash: (await db.models.PointsEntry.findById('lag#1').lean())!.hash, headSource: { topic: 'rewards', partition: 0, offset: '100' } } });
    await db.models.OrderPoints.collection.deleteOne({ _id: 'lag#o9#e1' } as never);
    const res = await createRewardApplier({ models: db.models, clock }).apply([msg(points('lag', 6, { orderId: 'o9', orderAmount: 10 }), 101), msg(clawback('lag', 'o9', 5), 102)]);
    expect(res.map((r) => r.outcome)).toEqual(['duplicate', 'applied']);
    const wallet = await db.models.Wallet.findById('lag').lean();
    expect(wallet).toMatchObject({ headSeq: 3, points: 5 + 6 - 3 });
    expect(await db.models.PointsEntry.countDocuments({ customerId: 'lag' })).toBe(3);
  });
});
