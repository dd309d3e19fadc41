import { describe, expect, it } from 'vitest';
import { EMPTY_HEAD, canonicalEntry, chainEntry, verifyChain, type ChainedEntry } from './hash-chain.js';

function chain(points: number[]): ChainedEntry[] {
  const out: ChainedEntry[] = [];
  let head = EMPTY_HEAD;
  points.forEach((p, i) => {
    const e = chainEntry({
      entryId: `r${i}:earn`,
      customerId: 'c-1',
      seq: head.seq + 1,
      type: 'earn',
      points: p,
      balanceAfter: head.balance + p,
      rewardId: `r${i}`,
      orderId: null,
      orderAmount: null,
      refunded: null,
      links: [],
      occurredAt: '2026-01-01T00:00:00.000Z',
      prevHash: head.hash,
    });
    out.push(e);
    head = { seq: e.seq, hash: e.hash, balance: e.balanceAfter };
  });
  return out;
}

describe('hash chain', () => {
  it('verifies an intact chain in any order', () => {
    const c = chain([5, 10, 20]);
    expect(verifyChain([c[2]!, c[0]!, c[1]!])).toMatchObject({ ok: true, entries: 3, head: { seq: 3, balance: 35 } });
  });

  it('names the first edited entry', () => {
    const c = chain([5, 10, 20]);
    c[1] = { ...c[1]!, points: 100, balanceAfter: 105 };
    expect(verifyChain(c)).toMatchObject({ ok: false, entryId: 'r1:earn', seq: 2 });
  });

  it('catches a rewritten hash through the next entry prevHash', () => {
    const c = chain([5, 10, 20]);
    const forged = chainEntry({ ...c[1]!, occurredAt: '2027-01-01T00:00:00.000Z' });
    c[1] = forged;
    expect(verifyChain(c)).toMatchObject({ ok: false, entryId: 'r2:earn', reason: expect.stringContaining('prevHash') });
  });

  it('catches a deleted entry', () => {
    const c = chain([5, 10, 20]);
    expect(verifyChain([c[0]!, c[2]!])).toMatchObject({ ok: false, entryId: 'r2:earn', reason: expect.stringContaining('missing') });
  });

  it('hashes expiresAt when present, and an entry without it exactly as before the field existed', () => {
    const [e] = chain([10]);
    const base = { ...e! } as Omit<ChainedEntry, 'hash'> & { hash?: string };
    delete base.hash;
    expect(canonicalEntry(base)).not.toContain('expiresAt');
    expect(canonicalEntry({ ...base, expiresAt: null })).toBe(canonicalEntry(base));
    const dated = chainEntry({ ...base, expiresAt: '2027-01-01T00:00:00.000Z' });
    expect(dated.hash).not.toBe(e!.hash);
    expect(verifyChain([dated]).ok).toBe(true);
    // Editing the expiry date of a stored entry breaks the chain.
    expect(verifyChain([{ ...dated, expiresAt: '2030-01-01T00:00:00.000Z' }])).toMatchObject({ ok: false, seq: 1 });
  });

  it('an expire entry linked to its earn entry keeps the balance adding up', () => {
    const [earn] = chain([10]);
    const expire = chainEntry({
      entryId: `${earn!.entryId}:expire`, customerId: 'c-1', seq: 2, type: 'expire', points: -10, balanceAfter: 0,
      rewardId: 'clock:points-expire:c-1:2027-01-01', orderId: null, orderAmount: null, refunded: null,
      links: [{ entryId: earn!.entryId, points: 10 }], occurredAt: '2027-01-01T00:00:00.000Z', prevHash: earn!.hash,
    });
    expect(verifyChain([earn!, expire])).toMatchObject({ ok: true, head: { balance: 0, seq: 2 } });
  });
});
