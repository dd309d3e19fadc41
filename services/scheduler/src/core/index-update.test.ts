import { describe, expect, it } from 'vitest';
import { indexUpdateFor } from './index-update.js';

describe('indexUpdateFor', () => {
  it('purchase: exact occurredAt text, epoch ms, month in the schedule zone, minor units', () => {
    const u = indexUpdateFor(
      { id: 'p1', type: 'purchase', customerId: 'c1', occurredAt: '2026-01-31T23:30:00-05:00', data: { orderId: 'o1', amount: 12.34, currency: 'USD' } },
      'UTC',
    );
    expect(u).toEqual({ kind: 'purchase', eventId: 'p1', customerId: 'c1', at: '2026-01-31T23:30:00-05:00', ms: Date.parse('2026-02-01T04:30:00Z'), month: '2026-02', minor: 1234, orderId: 'o1' });
  });

  it('refund and signup with a birthday map; other events move no index', () => {
    expect(indexUpdateFor({ id: 'r1', type: 'refund', customerId: 'c1', occurredAt: '2026-03-02T10:00:00Z', data: { orderId: 'o1', amount: 5, currency: 'GBP' } }, 'UTC')).toMatchObject({ kind: 'refund', minor: 500, month: '2026-03' });
    expect(indexUpdateFor({ id: 's1', type: 'signup', customerId: 'c1', occurredAt: '2026-03-02T10:00:00Z', data: { birthday: '1992-02-29' } }, 'UTC')).toEqual({ kind: 'birthday', eventId: 's1', customerId: 'c1', monthDay: '02-29' });
    expect(indexUpdateFor({ id: 's2', type: 'signup', customerId: 'c1', occurredAt: '2026-03-02T10:00:00Z', data: {} }, 'UTC')).toBeNull();
    expect(indexUpdateFor({ id: 'b', type: 'birthday', customerId: 'c1', occurredAt: '2026-03-02T00:00:00Z', data: { monthDay: '03-02', year: 2026 } }, 'UTC')).toBeNull();
  });
});
