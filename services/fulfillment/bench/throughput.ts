// Fulfillment throughput on FerretDB, three ways in one run (ratios, not absolute numbers: the
// machine is shared and noisy):
//   per-document  Model.create of one ledger entry per reward, awaited one by one (the naive worker)
//   insertMany    raw driver insertMany, batches of 100, of the same ledger entries (the ceiling for
//                 "one document per reward")
//   worker        this worker's path (createRewardApplier.apply on chunks, as the consumer calls it):
//                 hash-chained entries, wallet and order projections, reward records
// Usage: node --conditions=source --import tsx bench/throughput.ts [--rewards 50000] [--customers 500]
//        [--chunk 1000] [--per-doc N]   MONGO_URL=... uses that server, else a private FerretDB.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { mongo } from 'mongoose';
import type { Reward } from '@incentive/events';
import { chainEntry, connectLedger, createModels, ensureLedgerIndexes, EMPTY_HEAD, entrySlotId, type ChainHead, type PointsEntryDoc } from '@incentive/ledger';
import { startPrivateFerretDb } from '../test/private-ferretdb.js';
import { createRewardApplier, type RewardMessage } from '../src/reward-applier.js';

const { values } = parseArgs({
  options: {
    rewards: { type: 'string', default: '50000' },
    customers: { type: 'string', default: '500' },
    chunk: { type: 'string', default: '1000' },
    'per-doc': { type: 'string' },
  },
});
const N = Number(values.rewards);
const CUSTOMERS = Number(values.customers);
const CHUNK = Number(values.chunk);
const PER_DOC = Number(values['per-doc'] ?? N);

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

/** Ledger entries as the naive paths would write them (same shape and indexes as the worker's). */
function entriesFor(messages: RewardMessage[]): PointsEntryDoc[] {
  const heads = new Map<string, ChainHead>();
  return messages.map(({ reward: r }) => {
    if (r.kind !== 'points') throw new Error('points only');
    const head = heads.get(r.customerId) ?? EMPTY_HEAD;
    const e = chainEntry({ entryId: `${r.rewardId}:earn`, customerId: r.customerId, seq: head.seq + 1, type: 'earn', points: r.points, balanceAfter: head.balance + r.points, rewardId: r.rewardId, orderId: r.orderId ?? null, orderAmount: r.orderAmount ?? null, refunded: null, links: [], occurredAt: new Date(r.issuedAt).toISOString(), prevHash: head.hash });
    heads.set(r.customerId, { seq: e.seq, hash: e.hash, balance: e.balanceAfter });
    return { _id: entrySlotId(r.customerId, e.seq), ...e, createdAt: new Date() };
  });
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
  const perDocRate = await measure('per-document', PER_DOC, async () => {
    for (const doc of entriesFor(rewardsFor('p', PER_DOC))) await perDoc.models.PointsEntry.create(doc);
  });
  if ((await perDoc.models.PointsEntry.estimatedDocumentCount()) !== PER_DOC) throw new Error('per-document: count mismatch');
  await perDoc.connection.dropDatabase();
  await perDoc.connection.close();

  const raw = await fresh('raw');
  const docs = entriesFor(rewardsFor('r', N));
  const rawRate = await measure('insertMany/100', N, async () => {
    for (let i = 0; i < docs.length; i += 100) await (raw.models.PointsEntry.collection as unknown as mongo.Collection<PointsEntryDoc>).insertMany(docs.slice(i, i + 100), { ordered: true });
  });
  if ((await raw.models.PointsEntry.estimatedDocumentCount()) !== N) throw new Error('insertMany: count mismatch');
  await raw.connection.dropDatabase();
  await raw.connection.close();

  const w = await fresh('worker');
  const applier = createRewardApplier({ models: w.models, clock: { now: () => new Date() } });
  const messages = rewardsFor('w', N);
  const workerRate = await measure('worker', N, async () => {
    for (let i = 0; i < messages.length; i += CHUNK) await applier.apply(messages.slice(i, i + CHUNK));
  });
  if ((await w.models.PointsEntry.estimatedDocumentCount()) !== N || (await w.models.Reward.estimatedDocumentCount()) !== N) throw new Error('worker: count mismatch');
  await w.connection.dropDatabase();
  await w.connection.close();

  console.log(`worker / insertMany = ${(workerRate / rawRate).toFixed(2)}   (target >= 0.70)`);
  console.log(`worker / per-document = ${(workerRate / perDocRate).toFixed(1)}x   (target >= 10x)`);
} finally {
  await ferret?.stop();
}
