import { describe, expect, it } from 'vitest';
import { expireEntryId, expiredByRequest, planExpiry, type ExpiryChainEntry } from './expiry.js';

const earn = (id: string, points: number, expiresAt: string | null, orderId: string | null = null): ExpiryChainEntry => ({
  entryId: `${id}:earn`, type: 'earn', points, rewardId: id, orderId, links: [], expiresAt,
});
const clawback = (id: string, links: { entryId: string; points: number }[]): ExpiryChainEntry => ({
  entryId: `${id}:clawback`, type: 'clawback', points: -links.reduce((s, l) => s + l.points, 0), rewardId: id, orderId: 'o', links,
});
const asOf = Date.parse('2011-01-10T00:00:00Z');

describe('planExpiry', () => {
  it('expires the remainder of every due earn entry, none that is not due or has no expiry', () => {
    const chain = [earn('a', 100, '2011-01-09T12:00:00Z'), earn('b', 50, '2011-01-10T00:00:00Z'), earn('c', 70, '2011-01-10T00:00:01Z'), earn('d', 5, null)];
    expect(planExpiry(chain, asOf)).toEqual([
      { earnEntryId: 'a:earn', points: 100, orderId: null },
      { earnEntryId: 'b:earn', points: 50, orderId: null },
    ]);
  });

  it('a partial clawback leaves exactly its remainder to expire', () => {
    const chain = [earn('a', 100, '2011-01-01T00:00:00Z', 'o'), clawback('r1', [{ entryId: 'a:earn', points: 30 }])];
    expect(planExpiry(chain, asOf)).toEqual([{ earnEntryId: 'a:earn', points: 70, orderId: 'o' }]);
  });

  it('an earn entry already expired (or fully clawed back) plans nothing', () => {
    const expired: ExpiryChainEntry = { entryId: expireEntryId('a:earn'), type: 'expire', points: -100, rewardId: 'req-1', orderId: null, links: [{ entryId: 'a:earn', points: 100 }] };
    const chain = [earn('a', 100, '2011-01-01T00:00:00Z'), expired, earn('b', 10, '2011-01-01T00:00:00Z', 'o'), clawback('r2', [{ entryId: 'b:earn', points: 10 }])];
    expect(planExpiry(chain, asOf)).toEqual([]);
    expect(expiredByRequest(chain, 'req-1')).toEqual({ points: 100, entries: 1 });
    expect(expiredByRequest(chain, 'req-2')).toEqual({ points: 0, entries: 0 });
  });
});
