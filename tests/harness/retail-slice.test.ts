import { describe, expect, it } from 'vitest';
import type { IncentiveEvent } from '@incentive/events';
import { sampleCustomers, sliceByWeeks } from './retail-slice.js';

const ev = (id: string, customerId: string, occurredAt: string): IncentiveEvent =>
  ({ id, type: 'purchase', customerId, occurredAt, data: { orderId: id, amount: 1, currency: 'GBP' } }) as IncentiveEvent;

describe('sliceByWeeks', () => {
  const events = [
    ev('a', 'c1', '2010-12-01T08:00:00+00:00'),
    ev('b', 'c2', '2010-12-03T23:30:00+00:00'),
    ev('c', 'c1', '2010-12-07T23:59:00+00:00'),
    ev('d', 'c3', '2010-12-08T00:00:00+00:00'),
  ];

  it('keeps whole local days from the first event, with every day listed (days without events too)', () => {
    const s = sliceByWeeks(events, 1, 'UTC');
    expect(s.events.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(s.days.map((d) => [d.date, d.events.length])).toEqual([
      ['2010-12-01', 1], ['2010-12-02', 0], ['2010-12-03', 1], ['2010-12-04', 0], ['2010-12-05', 0], ['2010-12-06', 0], ['2010-12-07', 1],
    ]);
    expect(s.customers).toBe(2);
  });

  it('groups by the schedule timezone: 23:30 UTC in winter is the next day in Asia/Tokyo', () => {
    const s = sliceByWeeks(events, 'full', 'Asia/Tokyo');
    expect(s.days.find((d) => d.events.some((e) => e.id === 'b'))!.date).toBe('2010-12-04');
    expect(s.events).toHaveLength(4);
  });
});

describe('sampleCustomers', () => {
  it('keeps or drops a customer with all of its events, the same way every time', () => {
    const many = Array.from({ length: 300 }, (_, i) => ev(`e${i}`, `c${i % 60}`, '2010-12-01T08:00:00+00:00'));
    const kept = sampleCustomers(many, 3);
    const customers = new Set(kept.map((e) => e.customerId));
    expect(customers.size).toBeGreaterThan(5);
    expect(customers.size).toBeLessThan(40);
    for (const c of customers) expect(kept.filter((e) => e.customerId === c)).toHaveLength(5);
    expect(sampleCustomers(many, 3)).toEqual(kept);
    expect(sampleCustomers(many, 1)).toHaveLength(300);
  });
});
