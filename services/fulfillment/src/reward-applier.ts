import type { mongo } from 'mongoose';
import type { CouponReward, NotificationEvent, PointsExpireRequest, Reward } from '@incentive/events';
import {
  EMPTY_HEAD,
  chainEntry,
  createCouponCodeGenerator,
  entrySlotId,
  isDuplicateKey,
  orderSlotId,
  toChainedEntry,
  type ChainedEntry,
  type CouponCodeGenerator,
  type CouponDoc,
  type GiftOrderDoc,
  type LedgerModels,
  type OrderClawback,
  type OrderEarn,
  type OrderExpire,
  type OrderSlotType,
  type OrderPointsDoc,
  type PointsEntryDoc,
  type RewardDoc,
  type WalletDoc,
} from '@incentive/ledger';
import { RetryableError } from '@incentive/platform';
import { planClawback } from './clawback.js';
import { expireEntryId, expiredByRequest, planExpiry } from './expiry.js';

export interface KafkaSource {
  topic: string;
  partition: number;
  offset: string;
}

export interface RewardMessage {
  reward: Reward;
  source: KafkaSource;
}

/** A `points.expire` request from the scheduler, on the rewards topic in order with the customer's rewards. */
export interface ExpireMessage {
  request: PointsExpireRequest;
  source: KafkaSource;
}

export type RewardsTopicItem = RewardMessage | ExpireMessage;

function customerOf(m: RewardsTopicItem): string {
  return 'reward' in m ? m.reward.customerId : m.request.customerId;
}

/** Reward record `kind` of an expiry request (and the `kind` of its AppliedReward). */
export const EXPIRE_KIND = 'points.expire';

export type RewardOutcome = 'applied' | 'noop' | 'duplicate';

export interface AppliedReward {
  rewardId: string;
  customerId: string;
  kind: Reward['kind'] | typeof EXPIRE_KIND;
  outcome: RewardOutcome;
  reason?: string;
  notification?: NotificationEvent;
}

export interface Clock {
  now(): Date;
}

export interface RewardApplierDeps {
  models: LedgerModels;
  clock: Clock;
  codes?: CouponCodeGenerator;
  /** Largest number of operations per bulkWrite of updates (FerretDB v1 stalls on update batches of 100+). */
  writeBatchSize?: number;
  /** Largest number of documents per insertMany (one SQLite transaction each on FerretDB). */
  insertBatchSize?: number;
  /** Customers whose heads are loaded concurrently. */
  readConcurrency?: number;
  logger?: { warn(obj: object, msg: string): void };
}

interface Head {
  seq: number;
  hash: string;
  balance: number;
  source?: KafkaSource;
}

/** Badges named `tier:<name>` set the wallet tier instead of joining the badge list. */
const TIER_BADGE_PREFIX = 'tier:';


function sourceAfter(source: KafkaSource, head: Head): boolean {
  if (!head.source || head.source.topic !== source.topic || head.source.partition !== source.partition) return true;
  return BigInt(source.offset) > BigInt(head.source.offset);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

/** Duplicate-key failures of an unordered insertMany, by index; any other failure is rethrown. */
function duplicateIndexes(err: unknown): number[] {
  const e = err as { code?: number; writeErrors?: { index: number; code: number }[] | { index: number; code: number } };
  const list = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
  if (list.length === 0) {
    if (isDuplicateKey(err)) return [0];
    throw err;
  }
  if (list.some((w) => w.code !== 11000)) throw err;
  return list.map((w) => w.index);
}

function orderKey(customerId: string, orderId: string): string {
  return `${customerId}#${orderId}`;
}

function couponExpiry(reward: CouponReward): Date {
  if (reward.expiresAt) return new Date(reward.expiresAt);
  return new Date(new Date(reward.issuedAt).getTime() + reward.validDays * 86_400_000);
}

/**
 * Applies reward chunks to MongoDB with an exactly-once effect and no transactions.
 *
 * Writes of one chunk (every one idempotent, so a crash between any two is repaired by redelivery):
 *   1. ledger entries, insertMany ordered, per customer in chain order (slot `_id` + unique
 *      entryId); concurrently coupons (unique rewardId), gift orders and reward records (`_id` =
 *      rewardId), which do not depend on where the entries land
 *   2. projections of the ledger: wallet heads (filter `headSeq < new`, so only forward) and the
 *      insert-only order index slots; then badges/tier
 * The ledger is the truth; wallets and the order index are projections that a cold start repairs
 * by walking the chain from the wallet's head to the ledger's real head (`loadHead`).
 */
export function createRewardApplier(deps: RewardApplierDeps) {
  const { models, clock } = deps;
  const codes = deps.codes ?? createCouponCodeGenerator();
  const writeBatch = deps.writeBatchSize ?? 50;
  const insertBatch = deps.insertBatchSize ?? 1000;
  const readConcurrency = deps.readConcurrency ?? 16;
  const heads = new Map<string, Head>();

  const col = {
    entries: models.PointsEntry.collection as unknown as mongo.Collection<PointsEntryDoc>,
    wallets: models.Wallet.collection as unknown as mongo.Collection<WalletDoc>,
    orders: models.OrderPoints.collection as unknown as mongo.Collection<OrderPointsDoc>,
    coupons: models.Coupon.collection as unknown as mongo.Collection<CouponDoc>,
    gifts: models.GiftOrder.collection as unknown as mongo.Collection<GiftOrderDoc>,
    rewards: models.Reward.collection as unknown as mongo.Collection<RewardDoc>,
  };

  /** Ledger-derived updates to apply after entries are written (also used to repair a lagging wallet). */
  interface Projection {
    walletHeads: Map<string, { head: Head }>;
    orderEarns: Map<string, OrderHistory & { customerId: string; orderId: string }>;
  }
  interface OrderHistory {
    earns: OrderEarn[];
    clawbacks: OrderClawback[];
    expires: OrderExpire[];
  }

  function project(p: Projection, entry: ChainedEntry, source: KafkaSource | undefined): void {
    p.walletHeads.set(entry.customerId, { head: { seq: entry.seq, hash: entry.hash, balance: entry.balanceAfter, ...(source ? { source } : {}) } });
    if (entry.orderId === null) return;
    const key = orderKey(entry.customerId, entry.orderId);
    let o = p.orderEarns.get(key);
    if (!o) p.orderEarns.set(key, (o = { customerId: entry.customerId, orderId: entry.orderId, earns: [], clawbacks: [], expires: [] }));
    if (entry.type === 'earn') o.earns.push({ entryId: entry.entryId, points: entry.points, orderAmount: entry.orderAmount });
    if (entry.type === 'clawback') o.clawbacks.push({ entryId: entry.entryId, rewardId: entry.rewardId, points: -entry.points, refunded: entry.refunded ?? 0, links: entry.links });
    if (entry.type === 'expire' && entry.links[0]) o.expires.push({ entryId: entry.entryId, earnEntryId: entry.links[0].entryId, points: -entry.points });
  }



  /**
   * The customer's chain head: the wallet's head, then forward along the chain slots while the next
   * one exists (entries written by a run that died before updating the wallet). Every `_id` read.
   */
  async function loadHead(customerId: string, repair: Projection): Promise<Head> {
    const wallet = await col.wallets.findOne({ _id: customerId });
    let head: Head = wallet ? { seq: wallet.headSeq, hash: wallet.headHash, balance: wallet.points, ...(wallet.headSource ? { source: wallet.headSource } : {}) } : { ...EMPTY_HEAD };
    for (;;) {
      const next = await col.entries.findOne({ _id: entrySlotId(customerId, head.seq + 1) });
      if (!next) break;
      head = { seq: next.seq, hash: next.hash, balance: next.balanceAfter, ...(next.source ? { source: next.source } : {}) };
      project(repair, toChainedEntry(next), next.source);
    }
    return head;
  }

  /** A customer's stored chain, slots 1..`upTo`, read by `_id` (expiry walks it; `upTo` is the loaded head). */
  async function readChain(customerId: string, upTo: number): Promise<PointsEntryDoc[]> {
    const seqs = Array.from({ length: upTo }, (_, i) => i + 1);
    const docs = await mapLimit(seqs, readConcurrency, (seq) => col.entries.findOne({ _id: entrySlotId(customerId, seq) }));
    return docs.map((d, i) => {
      if (!d) throw new RetryableError(`ledger of ${customerId}: chain slot ${i + 1} is missing below the head ${upTo}`);
      return d;
    });
  }

  /** How many earn/clawback/expire slots of an order are known to be taken (learned by reads and writes). */
  type SlotCounts = Record<OrderSlotType, number>;
  const orderSlots = new Map<string, SlotCounts>();

  /** Earn, clawback and expiry history of an order, walking its slots by `_id`. */
  async function readOrder(customerId: string, orderId: string): Promise<OrderHistory> {
    const earns: OrderEarn[] = [];
    const clawbacks: OrderClawback[] = [];
    const expires: OrderExpire[] = [];
    for (let k = 1; ; k++) {
      const d = await col.orders.findOne({ _id: orderSlotId(customerId, orderId, 'earn', k) });
      if (!d) break;
      earns.push({ entryId: d.entryId, points: d.points, orderAmount: d.orderAmount ?? null });
    }
    for (let k = 1; ; k++) {
      const d = await col.orders.findOne({ _id: orderSlotId(customerId, orderId, 'clawback', k) });
      if (!d) break;
      clawbacks.push({ entryId: d.entryId, rewardId: d.rewardId, points: d.points, refunded: d.refunded ?? 0, ...(d.links && d.links.length > 0 ? { links: d.links } : {}) });
    }
    for (let k = 1; ; k++) {
      const d = await col.orders.findOne({ _id: orderSlotId(customerId, orderId, 'expire', k) });
      if (!d) break;
      const earn = d.links?.[0];
      if (earn) expires.push({ entryId: d.entryId, earnEntryId: earn.entryId, points: d.points });
    }
    orderSlots.set(orderKey(customerId, orderId), { earn: earns.length, clawback: clawbacks.length, expire: expires.length });
    return { earns, clawbacks, expires };
  }

  /** The stored history of an order plus what this chunk added (not yet written). */
  async function orderView(customerId: string, orderId: string, stored: Map<string, OrderHistory>, chunk: Projection): Promise<OrderHistory> {
    const key = orderKey(customerId, orderId);
    let o = stored.get(key);
    if (!o) stored.set(key, (o = await readOrder(customerId, orderId)));
    const added = chunk.orderEarns.get(key);
    return { earns: [...o.earns, ...(added?.earns ?? [])], clawbacks: [...o.clawbacks, ...(added?.clawbacks ?? [])], expires: [...o.expires, ...(added?.expires ?? [])] };
  }

  /**
   * Inserts the order index documents of new entries. Slots are assigned from what is known
   * (usually: a new order, slot 1); a taken slot holding the same entry means already written,
   * one holding another entry means the next slot is tried.
   */
  async function insertOrderSlots(p: Projection): Promise<void> {
    let pending: OrderPointsDoc[] = [];
    for (const [key, o] of p.orderEarns) {
      const known = orderSlots.get(key) ?? { earn: 0, clawback: 0, expire: 0 };
      for (const e of o.earns) {
        known.earn++;
        pending.push({ _id: orderSlotId(o.customerId, o.orderId, 'earn', known.earn), customerId: o.customerId, orderId: o.orderId, type: 'earn', entryId: e.entryId, rewardId: e.entryId.slice(0, -':earn'.length), points: e.points, orderAmount: e.orderAmount, refunded: null });
      }
      for (const c of o.clawbacks) {
        known.clawback++;
        pending.push({ _id: orderSlotId(o.customerId, o.orderId, 'clawback', known.clawback), customerId: o.customerId, orderId: o.orderId, type: 'clawback', entryId: c.entryId, rewardId: c.rewardId, points: c.points, orderAmount: null, refunded: c.refunded, ...(c.links ? { links: c.links } : {}) });
      }
      for (const x of o.expires) {
        known.expire++;
        pending.push({ _id: orderSlotId(o.customerId, o.orderId, 'expire', known.expire), customerId: o.customerId, orderId: o.orderId, type: 'expire', entryId: x.entryId, rewardId: x.entryId, points: x.points, orderAmount: null, refunded: null, links: [{ entryId: x.earnEntryId, points: x.points }] });
      }
      orderSlots.set(key, known);
    }
    for (let round = 0; pending.length > 0; round++) {
      if (round > 1000) throw new RetryableError('order index slots kept colliding');
      const retry: OrderPointsDoc[] = [];
      for (const batch of chunks(pending, insertBatch)) {
        let dups: number[] = [];
        await col.orders.insertMany(batch, { ordered: false }).catch((err: unknown) => {
          dups = duplicateIndexes(err);
        });
        for (const i of dups) {
          const doc = batch[i]!;
          const taken = await col.orders.findOne({ _id: doc._id });
          if (taken?.entryId === doc.entryId) continue;
          const key = orderKey(doc.customerId, doc.orderId);
          const known = orderSlots.get(key) ?? { earn: 0, clawback: 0, expire: 0 };
          const k = known[doc.type] + 1;
          known[doc.type] = k;
          orderSlots.set(key, known);
          retry.push({ ...doc, _id: orderSlotId(doc.customerId, doc.orderId, doc.type, k) });
        }
      }
      pending = retry;
    }
  }

  function notificationFor(reward: Reward, extra: Record<string, unknown>): NotificationEvent {
    const templates: Record<Reward['kind'], string> = {
      points: 'points-earned',
      coupon: 'coupon-issued',
      gift: 'gift-ordered',
      badge: 'badge-awarded',
      clawback: 'points-reversed',
    };
    const payload: Record<string, unknown> = { ruleId: reward.ruleId, ...extra };
    if (reward.message !== undefined) payload.message = reward.message;
    return { customerId: reward.customerId, kind: `reward.${reward.kind}`, template: templates[reward.kind], payload, rewardId: reward.rewardId };
  }

  /** Wallet heads and order index of ledger entries that are written. */
  async function writeProjections(p: Projection): Promise<void> {
    await Promise.all([writeWalletHeads(p), insertOrderSlots(p)]);
  }

  async function writeWalletHeads(p: Projection): Promise<void> {
    const now = clock.now();
    const walletOps = [...p.walletHeads].map(([customerId, { head }]) => ({
      updateOne: {
        // Only ever moves forward: replaying an older projection is a no-op (or a duplicate key
        // on the upsert, when the wallet is already further along).
        filter: { _id: customerId, headSeq: { $lt: head.seq } },
        update: {
          $set: { points: head.balance, headSeq: head.seq, headHash: head.hash, ...(head.source ? { headSource: head.source } : {}), updatedAt: now },
          $setOnInsert: { badges: [] as string[] },
        },
        upsert: true,
      },
    }));
    for (const ops of chunks(walletOps, writeBatch)) {
      await col.wallets.bulkWrite(ops, { ordered: false }).catch((err: unknown) => {
        duplicateIndexes(err);
      });
    }
  }

  /** Inserts coupons; a code collision draws a new code, a second coupon for one reward is a no-op. */
  async function insertCoupons(docs: CouponDoc[], results: Map<string, AppliedReward>, onDuplicate: (rewardId: string, existing: CouponDoc | null) => void): Promise<void> {
    let pending = docs;
    for (let round = 0; pending.length > 0; round++) {
      if (round > 5) throw new RetryableError('coupon codes kept colliding');
      const retry: CouponDoc[] = [];
      for (const batch of chunks(pending, insertBatch)) {
        let dups: number[] = [];
        await col.coupons.insertMany(batch, { ordered: false }).catch((err: unknown) => {
          dups = duplicateIndexes(err);
        });
        for (const i of dups) {
          const doc = batch[i]!;
          const taken = await col.coupons.findOne({ _id: doc._id });
          if (taken && taken.rewardId !== doc.rewardId) {
            // Astronomically rare (74 bits), but handled: same reward, fresh code.
            const prefix = doc.display.length > 19 ? doc.display.slice(0, doc.display.length - 20) : undefined;
            const fresh = codes.next(prefix);
            retry.push({ ...doc, _id: fresh.code, display: fresh.display });
            continue;
          }
          // The reward already has its coupon: report that one.
          const existing = await findCouponOfReward(doc.rewardId);
          onDuplicate(doc.rewardId, existing);
          const r = results.get(doc.rewardId);
          if (r) {
            r.outcome = 'duplicate';
            if (existing && r.notification) r.notification.payload = { ...r.notification.payload, code: existing.display, expiresAt: existing.expiresAt.toISOString() };
          }
        }
      }
      pending = retry;
    }
  }

  async function findCouponOfReward(rewardId: string): Promise<CouponDoc | null> {
    const reward = await col.rewards.findOne({ _id: rewardId });
    if (reward?.effect) return col.coupons.findOne({ _id: reward.effect });
    // Crash between coupon and reward record: the one scan in this file, only on that path.
    return col.coupons.findOne({ rewardId });
  }

  /** Inserts ledger entries in order; returns the first one that hit a duplicate key, if any. */
  async function insertEntries(entries: PointsEntryDoc[]): Promise<PointsEntryDoc | undefined> {
    for (const batch of chunks(entries, insertBatch)) {
      try {
        await col.entries.insertMany(batch, { ordered: true });
      } catch (err) {
        return batch[duplicateIndexes(err)[0]!];
      }
    }
    return undefined;
  }

  async function insertIgnoringDuplicates<T extends { _id: string }>(collection: mongo.Collection<T>, docs: T[], onDuplicate?: (doc: T) => void): Promise<void> {
    for (const batch of chunks(docs, insertBatch)) {
      await collection.insertMany(batch as never, { ordered: false }).catch((err: unknown) => {
        for (const i of duplicateIndexes(err)) onDuplicate?.(batch[i]!);
      });
    }
  }

  /**
   * Applies one chunk of rewards (one Kafka partition, offsets ascending). Throws on database
   * failures (retryable: the caller retries the same chunk); the heads of the chunk's customers
   * are forgotten first, so the retry re-reads them from the database.
   */
  async function apply(messages: readonly RewardsTopicItem[]): Promise<AppliedReward[]> {
    const customers = [...new Set(messages.map(customerOf))];
    try {
      return await applyOnce(messages, customers);
    } catch (err) {
      for (const c of customers) heads.delete(c);
      orderSlots.clear();
      throw err;
    }
  }

  async function applyOnce(messages: readonly RewardsTopicItem[], customers: string[]): Promise<AppliedReward[]> {
    const knownDuplicates = new Set<string>();
    for (let attempt = 0; ; attempt++) {
      if (attempt > 20) throw new RetryableError('ledger chain kept moving under this worker; is another writer active?');
      const repair: Projection = { walletHeads: new Map(), orderEarns: new Map() };
      const missing = customers.filter((c) => !heads.has(c));
      const loaded = await mapLimit(missing, readConcurrency, (c) => loadHead(c, repair));
      missing.forEach((c, i) => heads.set(c, loaded[i]!));
      // Before planning: clawbacks read the order docs this repair completes.
      await writeProjections(repair);

      const plan = await planChunk(messages, knownDuplicates);
      // 1. ledger entries (in chain order per customer) and, concurrently, the insert-only effects
      //    that do not depend on where the entries land: each is idempotent on its own.
      const [conflict] = await Promise.all([
        insertEntries(plan.entries),
        (async () => {
          // Coupons before reward records: a redelivered coupon reward must record the code that
          // was issued the first time, not the one drawn now.
          await insertCoupons(plan.coupons, plan.results, (rewardId, existing) => {
            const doc = plan.rewardDocs.find((d) => d._id === rewardId);
            if (doc && existing) doc.effect = existing._id;
          });
          await insertIgnoringDuplicates(col.gifts, plan.gifts, (doc) => {
            const r = plan.results.get(doc._id);
            if (r) r.outcome = 'duplicate';
          });
          await insertIgnoringDuplicates(col.rewards, plan.rewardDocs);
        })(),
      ]);
      if (conflict) {
        const inSlot = await col.entries.findOne({ _id: conflict._id });
        // Empty slot: the unique entryId collided, the reward was applied at another position
        // (a duplicate published at another offset). Otherwise the chain moved: re-read heads.
        if (!inSlot) knownDuplicates.add(conflict.rewardId);
        for (const c of customers) heads.delete(c);
        continue;
      }
      // 2. projections of the entries now in the ledger, then badges/tier (same wallet documents:
      //    after the heads, so two upserts never race to create one wallet).
      await writeProjections(plan.projection);
      const badgeOps = [...plan.badges].map(([customerId, b]) => ({
        updateOne: {
          filter: { _id: customerId },
          update: {
            ...(b.badges.length > 0 ? { $addToSet: { badges: { $each: b.badges } } } : {}),
            $set: { ...(b.tier !== undefined ? { tier: b.tier } : {}), updatedAt: clock.now() },
            $setOnInsert: { points: 0, headSeq: 0, headHash: EMPTY_HEAD.hash, ...(b.badges.length === 0 ? { badges: [] as string[] } : {}) },
          },
          upsert: true,
        },
      }));
      for (const ops of chunks(badgeOps, writeBatch)) await col.wallets.bulkWrite(ops, { ordered: false });
      for (const [c, h] of plan.newHeads) heads.set(c, h);
      return [...plan.results.values()];
    }
  }

  async function planChunk(messages: readonly RewardsTopicItem[], knownDuplicates: ReadonlySet<string>) {
    const now = clock.now();
    const entries: PointsEntryDoc[] = [];
    const projection: Projection = { walletHeads: new Map(), orderEarns: new Map() };
    const coupons: CouponDoc[] = [];
    const gifts: GiftOrderDoc[] = [];
    const badges = new Map<string, { badges: string[]; tier?: string }>();
    const rewardDocs: RewardDoc[] = [];
    const results = new Map<string, AppliedReward>();
    const newHeads = new Map<string, Head>();
    const orders = new Map<string, OrderHistory>();

    const record = (m: RewardMessage, outcome: RewardOutcome, extra: { reason?: string; effect?: string; notify?: Record<string, unknown> }) => {
      const r = m.reward;
      results.set(r.rewardId, {
        rewardId: r.rewardId,
        customerId: r.customerId,
        kind: r.kind,
        outcome,
        ...(extra.reason ? { reason: extra.reason } : {}),
        ...(extra.notify ? { notification: notificationFor(r, extra.notify) } : {}),
      });
      // Duplicates are recorded too: the previous attempt may have died before its reward records
      // (the insert ignores the ones that exist).
      rewardDocs.push({
        _id: r.rewardId,
        kind: r.kind,
        customerId: r.customerId,
        ruleId: r.ruleId,
        rulesetVersion: r.rulesetVersion,
        sourceEventId: r.sourceEventId,
        issuedAt: new Date(r.issuedAt),
        status: outcome === 'noop' ? 'noop' : 'applied',
        ...(extra.reason ? { reason: extra.reason } : {}),
        ...(extra.effect ? { effect: extra.effect } : {}),
        appliedAt: now,
      });
    };

    const chains = new Map<string, PointsEntryDoc[]>();
    /**
     * An expiry request: walk the customer's chain (stored, then what this chunk planned before it)
     * and append one `expire` entry per due earn entry for what is left of it. Idempotent by
     * construction: an earn entry already expired has nothing left, and the entry id
     * `<earnEntryId>:expire` is unique, so a concurrent second attempt collides instead of doubling.
     */
    const planExpire = async (m: ExpireMessage): Promise<void> => {
      const req = m.request;
      const c = req.customerId;
      const asOf = new Date(req.asOf);
      const recordExpire = (outcome: RewardOutcome, extra: { reason?: string; effect?: string; notify?: Record<string, unknown> }) => {
        results.set(req.id, {
          rewardId: req.id,
          customerId: c,
          kind: EXPIRE_KIND,
          outcome,
          ...(extra.reason ? { reason: extra.reason } : {}),
          ...(extra.notify ? { notification: { customerId: c, kind: 'points.expired', template: 'points-expired', payload: { asOf: req.asOf, ...extra.notify }, rewardId: req.id } } : {}),
        });
        rewardDocs.push({
          _id: req.id,
          kind: EXPIRE_KIND,
          customerId: c,
          ruleId: 'scheduler:points-expire',
          rulesetVersion: 'none',
          sourceEventId: req.id,
          issuedAt: asOf,
          status: outcome === 'noop' ? 'noop' : 'applied',
          ...(extra.reason ? { reason: extra.reason } : {}),
          ...(extra.effect ? { effect: extra.effect } : {}),
          appliedAt: now,
        });
      };
      if (knownDuplicates.has(req.id)) {
        recordExpire('duplicate', {});
        return;
      }
      let stored = chains.get(c);
      if (!stored) chains.set(c, (stored = await readChain(c, heads.get(c)!.seq)));
      const chain = [...stored, ...entries.filter((e) => e.customerId === c)];
      const due = planExpiry(chain, asOf.getTime());
      if (due.length === 0) {
        const done = expiredByRequest(chain, req.id);
        if (done.entries > 0) recordExpire('duplicate', { notify: { points: done.points, grants: done.entries } });
        else recordExpire('noop', { reason: 'nothing_due' });
        return;
      }
      let head = newHeads.get(c) ?? heads.get(c)!;
      let total = 0;
      for (const item of due) {
        const entry = chainEntry({
          entryId: expireEntryId(item.earnEntryId),
          customerId: c,
          seq: head.seq + 1,
          type: 'expire',
          points: -item.points,
          balanceAfter: head.balance - item.points,
          rewardId: req.id,
          orderId: item.orderId,
          orderAmount: null,
          refunded: null,
          links: [{ entryId: item.earnEntryId, points: item.points }],
          occurredAt: asOf.toISOString(),
          prevHash: head.hash,
        });
        entries.push({ _id: entrySlotId(c, entry.seq), ...entry, source: m.source, createdAt: now });
        head = { seq: entry.seq, hash: entry.hash, balance: entry.balanceAfter, source: m.source };
        newHeads.set(c, head);
        project(projection, entry, m.source);
        total += item.points;
      }
      recordExpire('applied', { effect: expireEntryId(due[0]!.earnEntryId), notify: { points: total, balance: head.balance, grants: due.length } });
    };

    // Customers are independent; one customer's rewards are planned strictly in offset order.
    for (const m of messages) {
      if ('request' in m) {
        if (!results.has(m.request.id)) await planExpire(m);
        continue;
      }
      const r = m.reward;
      if (results.has(r.rewardId)) continue; // the same reward twice in one chunk
      let head = newHeads.get(r.customerId) ?? heads.get(r.customerId)!;
      const occurredAt = new Date(r.issuedAt).toISOString();
      const append = (fields: Omit<Parameters<typeof chainEntry>[0], 'customerId' | 'seq' | 'prevHash' | 'balanceAfter' | 'occurredAt'>): ChainedEntry => {
        const entry = chainEntry({
          ...fields,
          customerId: r.customerId,
          seq: head.seq + 1,
          prevHash: head.hash,
          balanceAfter: head.balance + fields.points,
          occurredAt,
        });
        entries.push({ _id: entrySlotId(r.customerId, entry.seq), ...entry, source: m.source, createdAt: now });
        head = { seq: entry.seq, hash: entry.hash, balance: entry.balanceAfter, source: m.source };
        newHeads.set(r.customerId, head);
        project(projection, entry, m.source);
        return entry;
      };
      switch (r.kind) {
        case 'points': {
          if (!sourceAfter(m.source, head) || knownDuplicates.has(r.rewardId)) {
            record(m, 'duplicate', { effect: `${r.rewardId}:earn`, notify: { points: r.points } });
            break;
          }
          const entry = append({ entryId: `${r.rewardId}:earn`, type: 'earn', points: r.points, rewardId: r.rewardId, orderId: r.orderId ?? null, orderAmount: r.orderAmount ?? null, refunded: null, links: [], ...(r.expiresAt ? { expiresAt: new Date(r.expiresAt).toISOString() } : {}) });
          record(m, 'applied', { effect: entry.entryId, notify: { points: r.points, balance: entry.balanceAfter, ...(r.orderId ? { orderId: r.orderId } : {}) } });
          break;
        }
        case 'clawback': {
          if (!sourceAfter(m.source, head) || knownDuplicates.has(r.rewardId)) {
            record(m, 'duplicate', { effect: `${r.rewardId}:clawback` });
            break;
          }
          const order = await orderView(r.customerId, r.orderId, orders, projection);
          const planned = planClawback(order.earns, order.clawbacks, r.amount, order.expires);
          if (!planned.ok) {
            record(m, 'noop', { reason: planned.reason });
            break;
          }
          const entry = append({ entryId: `${r.rewardId}:clawback`, type: 'clawback', points: -planned.points, rewardId: r.rewardId, orderId: r.orderId, orderAmount: null, refunded: r.amount, links: planned.links });
          record(m, 'applied', { effect: entry.entryId, notify: { points: planned.points, balance: entry.balanceAfter, orderId: r.orderId, refunded: r.amount, currency: r.currency } });
          break;
        }
        case 'coupon': {
          const code = codes.next(r.codePrefix);
          const expiresAt = couponExpiry(r);
          coupons.push({
            _id: code.code,
            display: code.display,
            customerId: r.customerId,
            rewardId: r.rewardId,
            ruleId: r.ruleId,
            ...(r.percentOff !== undefined ? { percentOff: r.percentOff } : {}),
            ...(r.amountOff !== undefined ? { amountOff: r.amountOff } : {}),
            ...(r.currency !== undefined ? { currency: r.currency } : {}),
            ...(r.minSpend !== undefined ? { minSpend: r.minSpend } : {}),
            issuedAt: new Date(r.issuedAt),
            expiresAt,
            status: 'issued',
          });
          const value = r.percentOff !== undefined ? { percentOff: r.percentOff } : { amountOff: r.amountOff, currency: r.currency };
          record(m, 'applied', { effect: code.code, notify: { code: code.display, expiresAt: expiresAt.toISOString(), ...value, ...(r.minSpend !== undefined ? { minSpend: r.minSpend } : {}) } });
          break;
        }
        case 'gift': {
          gifts.push({ _id: r.rewardId, customerId: r.customerId, sku: r.sku, name: r.name, status: 'pending', requestedAt: new Date(r.issuedAt) });
          record(m, 'applied', { effect: r.rewardId, notify: { sku: r.sku, name: r.name } });
          break;
        }
        case 'badge': {
          let b = badges.get(r.customerId);
          if (!b) badges.set(r.customerId, (b = { badges: [] }));
          if (r.badge.startsWith(TIER_BADGE_PREFIX)) b.tier = r.badge.slice(TIER_BADGE_PREFIX.length);
          else if (!b.badges.includes(r.badge)) b.badges.push(r.badge);
          record(m, 'applied', { effect: r.badge, notify: r.badge.startsWith(TIER_BADGE_PREFIX) ? { tier: r.badge.slice(TIER_BADGE_PREFIX.length) } : { badge: r.badge } });
          break;
        }
      }
    }
    return { entries, projection, coupons, gifts, badges, rewardDocs, results, newHeads };
  }

  return {
    apply,
    /** Forgets cached chain heads (after a rebalance: another worker may have written since). */
    forget(): void {
      heads.clear();
      orderSlots.clear();
    },
  };
}

export type RewardApplier = ReturnType<typeof createRewardApplier>;
