import type { EntryLink, EntryType } from '@incentive/ledger';

/** What expiry needs of a ledger entry. */
export interface ExpiryChainEntry {
  entryId: string;
  type: EntryType;
  points: number;
  rewardId: string;
  orderId: string | null;
  links: readonly EntryLink[];
  expiresAt?: string | null;
}

export interface ExpiryItem {
  /** The earn entry whose remainder expires; the expire entry is `<earnEntryId>:expire`. */
  earnEntryId: string;
  /** Points that expire (positive): earned − clawed back − already expired. */
  points: number;
  orderId: string | null;
}

/** Deterministic id of the entry that expires an earn entry: a second attempt collides on the unique entryId. */
export function expireEntryId(earnEntryId: string): string {
  return `${earnEntryId}:expire`;
}

/**
 * The earn entries of a customer's chain (in chain order) whose points expire at `asOfMs`:
 * `expiresAt <= asOf` and something left of them. What is left is the earned points minus every
 * clawback and expire entry that links to them, so a partial clawback leaves exactly its remainder
 * to expire, and an earn entry already expired has nothing left (a redelivered or repeated request
 * plans nothing). Earn entries without `expiresAt` never expire.
 */
export function planExpiry(chain: readonly ExpiryChainEntry[], asOfMs: number): ExpiryItem[] {
  const earns = new Map<string, { entry: ExpiryChainEntry; left: number }>();
  for (const e of chain) {
    if (e.type === 'earn') earns.set(e.entryId, { entry: e, left: e.points });
    else for (const l of e.links) {
      const earn = earns.get(l.entryId);
      if (earn) earn.left -= l.points;
    }
  }
  const out: ExpiryItem[] = [];
  for (const { entry, left } of earns.values()) {
    if (left <= 0 || typeof entry.expiresAt !== 'string') continue;
    const at = Date.parse(entry.expiresAt);
    if (Number.isNaN(at) || at > asOfMs) continue;
    out.push({ earnEntryId: entry.entryId, points: left, orderId: entry.orderId });
  }
  return out;
}

/** Points a request already expired (entries it wrote), for the notification of a redelivery. */
export function expiredByRequest(chain: readonly ExpiryChainEntry[], requestId: string): { points: number; entries: number } {
  let points = 0;
  let entries = 0;
  for (const e of chain) {
    if (e.type !== 'expire' || e.rewardId !== requestId) continue;
    points -= e.points;
    entries++;
  }
  return { points, entries };
}
