import { createHash } from 'node:crypto';

/** prevHash of a customer's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export type EntryType = 'earn' | 'clawback' | 'expire' | 'adjust';

/** A clawback names the earn entries it reverses and how many points of each. */
export interface EntryLink {
  entryId: string;
  points: number;
}

/** The fields the hash covers: everything that carries meaning, nothing the database adds. */
export interface ChainFields {
  entryId: string;
  customerId: string;
  seq: number;
  type: EntryType;
  /** Signed change: > 0 for earn, < 0 for clawback/expire. */
  points: number;
  balanceAfter: number;
  rewardId: string;
  orderId: string | null;
  orderAmount: number | null;
  /** Refunded amount a clawback was computed from; null for other types. */
  refunded: number | null;
  links: EntryLink[];
  /** Event time of the reward, ISO 8601. */
  occurredAt: string;
  /**
   * When the points of an earn entry expire (ISO 8601), from the reward. Hashed when present;
   * entries without it (older ones, other types) hash exactly as before the field existed.
   */
  expiresAt?: string | null;
  prevHash: string;
}

export interface ChainedEntry extends ChainFields {
  hash: string;
}

/**
 * Canonical JSON: keys sorted, no whitespace, links in their given order. Two processes (or the
 * writer and `ledger verify` years later) produce the same bytes for the same entry.
 */
export function canonicalEntry(e: ChainFields): string {
  const fields: Record<string, unknown> = {
    balanceAfter: e.balanceAfter,
    customerId: e.customerId,
    entryId: e.entryId,
    links: e.links.map((l) => ({ entryId: l.entryId, points: l.points })),
    occurredAt: e.occurredAt,
    orderAmount: e.orderAmount,
    orderId: e.orderId,
    points: e.points,
    prevHash: e.prevHash,
    refunded: e.refunded,
    rewardId: e.rewardId,
    seq: e.seq,
    type: e.type,
  };
  if (typeof e.expiresAt === 'string') fields.expiresAt = e.expiresAt;
  return canonicalJson(fields);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** hash = sha256(prevHash + canonical entry), hex. */
export function entryHash(e: ChainFields): string {
  return createHash('sha256').update(e.prevHash).update(canonicalEntry(e)).digest('hex');
}

export function chainEntry(fields: ChainFields): ChainedEntry {
  return { ...fields, hash: entryHash(fields) };
}

export interface ChainHead {
  seq: number;
  hash: string;
  balance: number;
}

export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH, balance: 0 };

/** `_id` of the entry at chain position `seq`: lookups by `_id` are the only indexed reads on FerretDB v1. */
export function entrySlotId(customerId: string, seq: number): string {
  return `${customerId}#${seq}`;
}

export type ChainBreak =
  | { ok: true; entries: number; head: ChainHead }
  | { ok: false; entryId: string; seq: number; reason: string };

/**
 * Walks one customer's entries (any order; sorted here by seq) and returns the first break: a gap
 * or repeat in seq, a prevHash that is not the previous hash, a balance that does not add up, or a
 * stored hash that does not match the recomputed one.
 */
export function verifyChain(entries: readonly ChainedEntry[]): ChainBreak {
  const sorted = [...entries].sort((a, b) => a.seq - b.seq);
  let head: ChainHead = EMPTY_HEAD;
  for (const e of sorted) {
    const fail = (reason: string): ChainBreak => ({ ok: false, entryId: e.entryId, seq: e.seq, reason });
    if (e.seq !== head.seq + 1) return fail(e.seq <= head.seq ? `seq ${e.seq} repeats` : `seq ${head.seq + 1} is missing before seq ${e.seq}`);
    if (e.prevHash !== head.hash) return fail('prevHash does not match the previous entry hash');
    if (e.balanceAfter !== head.balance + e.points) return fail(`balanceAfter ${e.balanceAfter} != previous balance ${head.balance} + points ${e.points}`);
    const expected = entryHash(e);
    if (e.hash !== expected) return fail('hash does not match the entry content (edited after it was written)');
    head = { seq: e.seq, hash: e.hash, balance: e.balanceAfter };
  }
  return { ok: true, entries: sorted.length, head };
}
