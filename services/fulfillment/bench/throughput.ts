// Fulfillment throughput on FerretDB, three ways in one run (ratios, not absolute numbers: the
// machine is shared and noisy). All three produce the same documents per points reward: a
// hash-chained ledger entry, an order index slot, a reward record, and the customer's wallet.
//   per-document  one reward at a time: Model.create of each document, Wallet.updateOne
//   insertMany    raw driver insertMany in batches of 100 of the same documents, wallets written
//                 once per customer at the end: the ceiling (no idempotency, no crash repair)
//   worker        this worker's path (createRewardApplier.apply on chunks of CHUNK_SIZE, as the consumer calls it)
// Usage: node --conditions=source --import tsx bench/throughput.ts [--rewards 50000] [--customers 50]
//        [--chunk 5000] [--per-doc 5000]   MONGO_URL=... uses that server, else a private FerretDB.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { mongo } from 'mongoose';
import type { Reward } from '@incentive/events';
import { chainEntry, connectLedger, createModels, ensureLedgerIndexes, EMPTY_HEAD, entrySlotId, orderSlotId, type ChainHead, type LedgerModels, type OrderPointsDoc, type PointsEntryDoc, type RewardDoc, type WalletDoc } from '@incentive/ledger';
import { startPrivateFerretDb } from '../test/private-ferretdb.js';
import { createRewardApplier, type RewardMessage } from '../src/reward-applier.js';

const { values } = parseArgs({
  options: {
    rewards: { type: 'string', default: '50000' },
    customers: { type: 'string', default: '50' },
    chunk: { type: 'string', default: '5000' },
    'per-doc': { type: 'string', default: '5000' },
  },
});
const N = Number(values.rewards);
const CUSTOMERS = Number(values.customers);
const CHUNK = Number(values.chunk);
const PER_DOC = Math.min(N, Number(values['per-doc']));

const ferret = process.env.MONGO_URL ? undefined : await startPrivateFerretDb();
const url = process.env.MONGO_URL ?? ferret!.url;
const issuedAt = '2026-03-01T12:00:00Z';

function rewardsFor(tag: string, count: number): RewardMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const customerId = `c${i % CUSTOMERS}`;
    const reward: Reward = { rewardId: `${tag}-${i}`, ruleId: 'bench', rulesetVersion: 'v1', customerId, sourceEventId: `e${i}`, issuedAt, kind: 'points', points: 1 + (i % 50), orderId: `o${i}`, orderAmount: 10 + (i % 90) };
    return { reward, source: { topic: 'bench', partition: 0, offset: String(i) } };
  });
}

interface RewardDocs {
  entry: PointsEntryDoc;
  order: OrderPointsDoc;
  record: RewardDoc;
  wallet: WalletDoc;
}

/** The documents the worker writes for each reward, computed up front for the two baselines. */
function docsFor(messages: RewardMessage[]): RewardDocs[] {
  const heads = new Map<string, ChainHead>();
  const now = new Date();
  return messages.map(({ reward: r }) => {
    if (r.kind !== 'points') throw new Error('points only');
    const head = heads.get(r.customerId) ?? EMPTY_HEAD;
    const e = chainEntry({ entryId: `${r.rewardId}:earn`, customerId: r.customerId, seq: head.seq + 1, type: 'earn', points: r.points, balanceAfter: head.balance + r.points, rewardId: r.rewardId, orderId: r.orderId ?? null, orderAmount: r.orderAmount ?? null, refunded: null, links: [], occurredAt: new Date(r.issuedAt).toISOString(), prevHash: head.hash });
    heads.set(r.customerId, { seq: e.seq, hash: e.hash, balance: e.balanceAfter });
    return {
      entry: { _id: entrySlotId(r.customerId, e.seq), ...e, createdAt: now },
      order: { _id: orderSlotId(r.customerId, r.orderId!, 'earn', 1), customerId: r.customerId, orderId: r.orderId!, type: 'earn', entryId: e.entryId, rewardId: r.rewardId, points: r.points, orderAmount: r.orderAmount ?? null, refunded: null },
      record: { _id: r.rewardId, kind: r.kind, customerId: r.customerId, ruleId: r.ruleId, rulesetVersion: r.rulesetVersion, sourceEventId: r.sourceEventId, issuedAt: new Date(r.issuedAt), status: 'applied', effect: e.entryId, appliedAt: now },
      wallet: { _id: r.customerId, points: e.balanceAfter, badges: [], headSeq: e.seq, headHash: e.hash, updatedAt: now },
    };
  });
}

async function checkCounts(name: string, models: LedgerModels, n: number): Promise<void> {
  const counts = [await models.PointsEntry.estimatedDocumentCount(), await models.OrderPoints.estimatedDocumentCount(), await models.Reward.estimatedDocumentCount()];
  if (counts.some((c) => c !== n)) throw new Error(`${name}: expected ${n} entries/order slots/records, found ${counts.join('/')}`);
  const customers = Math.min(n, CUSTOMERS);
  if ((await models.Wallet.estimatedDocumentCount()) !== customers) throw new Error(`${name}: expected ${customers} wallets`);
}

async function fresh(name: string) {
  const connection = await connectLedger({ url, dbName: `bench_${name}_${Date.now().toString(36)}`, serverSelectionTimeoutMS: 10_000 });
  const models = createModels(connection);
  await ensureLedgerIndexes(models);
  return { connection, models };
}

async function measure(name: string, count: number, fn: () => Promise<void>) {
  const t0 = performance.now();
  await fn();
  const seconds = (performance.now() - t0) / 1000;
  const rate = count / seconds;
  console.log(`${name.padEnd(14)} ${String(count).padStart(7)} rewards  ${seconds.toFixed(1).padStart(7)} s  ${rate.toFixed(0).padStart(7)} rewards/s`);
  return rate;
}

try {
  console.log(`FerretDB ${url}  rewards=${N} (per-document ${PER_DOC})  customers=${CUSTOMERS}  chunk=${CHUNK}`);
  const perDoc = await fresh('perdoc');
  const perDocInput = docsFor(rewardsFor('p', PER_DOC));
  const perDocRate = await measure('per-document', PER_DOC, async () => {
    for (const d of perDocInput) {
      await perDoc.models.PointsEntry.create(d.entry);
      await perDoc.models.OrderPoints.create(d.order);
      await perDoc.models.Reward.create(d.record);
      const { _id, ...wallet } = d.wallet;
      await perDoc.models.Wallet.updateOne({ _id }, { $set: wallet }, { upsert: true });
    }
  });
  await checkCounts('per-document', perDoc.models, PER_DOC);
  await perDoc.connection.dropDatabase();
  await perDoc.connection.close();

  const raw = await fresh('raw');
  const rawInput = docsFor(rewardsFor('r', N));
  const rawRate = await measure('insertMany/100', N, async () => {
    const c = <T>(m: { collection: unknown }) => m.collection as unknown as mongo.Collection<T & { _id: string }>;
    for (let i = 0; i < rawInput.length; i += 100) {
      const slice = rawInput.slice(i, i + 100);
      await c<PointsEntryDoc>(raw.models.PointsEntry).insertMany(slice.map((d) => d.entry));
      await c<OrderPointsDoc>(raw.models.OrderPoints).insertMany(slice.map((d) => d.order));
      await c<RewardDoc>(raw.models.Reward).insertMany(slice.map((d) => d.record));
    }
    const last = new Map(rawInput.map((d) => [d.wallet._id, d.wallet]));
    for (let i = 0; i < last.size; i += 100) await c<WalletDoc>(raw.models.Wallet).insertMany([...last.values()].slice(i, i + 100));
  });
  await checkCounts('insertMany', raw.models, N);
  await raw.connection.dropDatabase();
  await raw.connection.close();

  const w = await fresh('worker');
  const applier = createRewardApplier({ models: w.models, clock: { now: () => new Date() } });
  const messages = rewardsFor('w', N);
  const workerRate = await measure('worker', N, async () => {
    for (let i = 0; i < messages.length; i += CHUNK) await applier.apply(messages.slice(i, i + CHUNK));
  });
  await checkCounts('worker', w.models, N);
  await w.connection.dropDatabase();
  await w.connection.close();

  console.log(`worker / insertMany = ${(workerRate / rawRate).toFixed(2)}   (target >= 0.70)`);
  console.log(`worker / per-document = ${(workerRate / perDocRate).toFixed(1)}x   (target >= 10x)`);
} finally {
  await ferret?.stop();
}
