import { describe, expect, it } from 'vitest';
import type { IncentiveEvent } from '@incentive/events';
import { applyEvent, type CustomerState, type FactsConfig } from '@incentive/facts';
import { customerStateLayout as layout, readCustomerStateHash } from './customer-state-layout.js';

const config: FactsConfig = { tiers: [], classifySegment: () => 'regular' };
let seq = 0;
const event = (type: 'purchase' | 'refund', occurredAt: string, amount: number): IncentiveEvent =>
  ({ id: `e${++seq}`, type, customerId: 'c1', occurredAt, data: { orderId: type === 'purchase' ? `o${seq}` : 'o1', amount, currency: 'GBP' } }) as IncentiveEvent;
const apply = (s: CustomerState | undefined, e: IncentiveEvent) => applyEvent(s, e, config).state;
const day = (iso: string) => Math.floor(Date.parse(iso) / 86_400_000);

/** The hash as Redis would hold it after writing `state` whole. */
function hashOf(state: CustomerState): Record<string, string> {
  const hash: Record<string, string> = { v: '1', s: JSON.stringify(layout.document(state)) };
  const parts = layout.parts(state);
  for (let i = 0; i < parts.length; i += 2) hash[parts[i]!] = parts[i + 1]!;
  return hash;
}

/** `hash` after writing `state` as a diff from `base`. */
function applyDiff(hash: Record<string, string>, state: CustomerState, base: CustomerState): Record<string, string> {
  const { set, del } = layout.diff(state, base);
  const out: Record<string, string> = { ...hash, s: JSON.stringify(layout.document(state)) };
  for (let i = 0; i < set.length; i += 2) out[set[i]!] = set[i + 1]!;
  for (const f of del) delete out[f];
  return out;
}

describe('customer state layout', () => {
  it('keeps the window out of the document, one field per day, and reads the same state back', () => {
    let s = apply(undefined, event('purchase', '2026-01-05T10:00:00Z', 10.5));
    s = apply(s, event('purchase', '2026-01-05T18:00:00Z', 2));
    s = apply(s, event('purchase', '2026-01-07T09:00:00Z', 7.25));
    const hash = hashOf(s);
    expect(JSON.parse(hash.s!)).not.toHaveProperty('window');
    expect(hash[`d${day('2026-01-05T00:00:00Z')}`]).toBe('1250 2');
    expect(hash[`d${day('2026-01-07T00:00:00Z')}`]).toBe('725 1');
    expect(readCustomerStateHash(hash)).toEqual(s);
  });

  it('writes only the days that changed: a new day, the same day again, a late purchase, a refund, days leaving the window', () => {
    let base = apply(undefined, event('purchase', '2026-01-05T10:00:00Z', 10));
    base = apply(base, event('purchase', '2026-01-06T10:00:00Z', 20));
    let hash = hashOf(base);
    const step = (e: IncentiveEvent) => {
      const next = apply(base, e);
      const diff = layout.diff(next, base);
      hash = applyDiff(hash, next, base);
      // Whatever was written, the hash reads back as the new state.
      expect(readCustomerStateHash(hash)).toEqual(next);
      base = next;
      return diff;
    };
    const d = (iso: string) => `d${day(iso)}`;
    expect(step(event('purchase', '2026-01-08T10:00:00Z', 5))).toEqual({ set: [d('2026-01-08T00:00:00Z'), '500 1'], del: [] });
    expect(step(event('purchase', '2026-01-08T12:00:00Z', 1))).toEqual({ set: [d('2026-01-08T00:00:00Z'), '600 2'], del: [] });
    expect(step(event('purchase', '2026-01-07T12:00:00Z', 3))).toEqual({ set: [d('2026-01-07T00:00:00Z'), '300 1'], del: [] });
    // A refund is taken from the newest days first: 6.00 from the 8th, 2.00 from the 7th.
    expect(step(event('refund', '2026-01-09T12:00:00Z', 8))).toEqual({ set: [d('2026-01-07T00:00:00Z'), '100 1', d('2026-01-08T00:00:00Z'), '0 2'], del: [] });
    // A year later the old days have left the window.
    const diff = step(event('purchase', '2027-01-08T10:00:00Z', 4));
    expect(diff.del).toEqual([d('2026-01-05T00:00:00Z'), d('2026-01-06T00:00:00Z'), d('2026-01-07T00:00:00Z')]);
    expect(diff.set).toEqual([d('2027-01-08T00:00:00Z'), '400 1']);
    expect(Object.keys(hash).filter((f) => f.startsWith('d'))).toEqual([d('2026-01-08T00:00:00Z'), d('2027-01-08T00:00:00Z')]);
    // An event that changes no day writes none.
    expect(layout.diff(base, base)).toEqual({ set: [], del: [] });
  });

  it('reads a document written before the layout (window inside) and says its parts are not stored', () => {
    const s = apply(undefined, event('purchase', '2026-01-05T10:00:00Z', 10));
    const legacy = JSON.parse(JSON.stringify(s)) as unknown;
    expect(layout.assemble(legacy, [])).toEqual({ state: legacy, partsStored: false });
    expect(readCustomerStateHash({ v: '4', s: JSON.stringify(s) })).toEqual(s);
  });

  it('refuses an unreadable day field with the window entry named', () => {
    const s = apply(undefined, event('purchase', '2026-01-05T10:00:00Z', 10));
    const hash = { ...hashOf(s), d20000: 'x' };
    expect(() => readCustomerStateHash(hash)).toThrow(/window\[0\]/);
    expect(() => readCustomerStateHash({ v: '1' })).toThrow('s: missing');
  });
});
