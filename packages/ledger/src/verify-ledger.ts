import { verifyChain, type ChainedEntry } from './hash-chain.js';
import type { LedgerModels, PointsEntryDoc } from './models.js';

export type LedgerVerification =
  | { ok: true; customers: number; entries: number }
  | { ok: false; customerId: string; entryId: string; seq: number; reason: string; customers: number; entries: number };

/**
 * The hashed view of a stored entry: plain values only (mongoose subdocuments and fields the
 * database adds are dropped), so the worker and `verifyLedger` hash exactly the same thing.
 */
export function toChainedEntry(d: PointsEntryDoc): ChainedEntry {
  return {
    entryId: d.entryId,
    customerId: d.customerId,
    seq: d.seq,
    type: d.type,
    points: d.points,
    balanceAfter: d.balanceAfter,
    rewardId: d.rewardId,
    orderId: d.orderId ?? null,
    orderAmount: d.orderAmount ?? null,
    refunded: d.refunded ?? null,
    links: (d.links ?? []).map((l) => ({ entryId: l.entryId, points: l.points })),
    occurredAt: d.occurredAt,
    ...(typeof d.expiresAt === 'string' ? { expiresAt: d.expiresAt } : {}),
    prevHash: d.prevHash,
    hash: d.hash,
  };
}

/**
 * Walks the hash chain of one customer, or of every customer, and returns the first broken entry.
 * An entry whose `_id` (chain slot) disagrees with its customer/seq also counts as a break: the slot
 * is what makes positions unique.
 */
export async function verifyLedger(models: Pick<LedgerModels, 'PointsEntry'>, customerId?: string): Promise<LedgerVerification> {
  const byCustomer = new Map<string, ChainedEntry[]>();
  let entries = 0;
  const cursor = models.PointsEntry.find(customerId === undefined ? {} : { customerId }).lean<PointsEntryDoc[]>().cursor();
  for await (const raw of cursor) {
    const doc = raw as unknown as PointsEntryDoc;
    entries++;
    if (doc._id !== `${doc.customerId}#${doc.seq}`) {
      await cursor.close();
      return { ok: false, customerId: doc.customerId, entryId: doc.entryId, seq: doc.seq, reason: `stored at slot ${doc._id}, not ${doc.customerId}#${doc.seq}`, customers: byCustomer.size, entries };
    }
    let list = byCustomer.get(doc.customerId);
    if (!list) byCustomer.set(doc.customerId, (list = []));
    list.push(toChainedEntry(doc));
  }
  for (const [cid, list] of [...byCustomer].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const result = verifyChain(list);
    if (!result.ok) return { ok: false, customerId: cid, entryId: result.entryId, seq: result.seq, reason: result.reason, customers: byCustomer.size, entries };
  }
  return { ok: true, customers: byCustomer.size, entries };
}
