import { EVENT_TYPES } from '@incentive/events';
import { CUSTOMER_FACT_KINDS } from '@incentive/facts';
import { describe, expect, it } from 'vitest';
import { CUSTOMER_FACTS, eventShape, mergeShapes, resolveShape } from './known-facts.js';

describe('known facts', () => {
  it('customer facts follow @incentive/facts', () => {
    expect(Object.keys(CUSTOMER_FACTS).sort()).toEqual(Object.keys(CUSTOMER_FACT_KINDS).sort());
    expect(CUSTOMER_FACTS.spendToNextTier).toBe('number');
    expect(CUSTOMER_FACTS.tier).toBe('string');
  });

  it('event shapes come from the event schemas, envelope and data, arrays included', () => {
    for (const t of EVENT_TYPES) expect(resolveShape(eventShape(t)!, ['occurredAt'])).toBe('string');
    const purchase = eventShape('purchase')!;
    expect(resolveShape(purchase, ['data', 'amount'])).toBe('number');
    expect(resolveShape(purchase, ['data', 'items', 3, 'sku'])).toBe('string');
    expect(resolveShape(purchase, ['data', 'items', 'sku'])).toBeUndefined();
    expect(resolveShape(purchase, ['data', 'refereeId'])).toBeUndefined();
    expect(resolveShape(eventShape('inactivity')!, ['data', 'days'])).toBe('number');
    expect(eventShape('nope')).toBeUndefined();
  });

  it('a rule on several event types may read the fields of any of them', () => {
    const both = mergeShapes([eventShape('purchase')!, eventShape('referral')!])!;
    expect(resolveShape(both, ['data', 'amount'])).toBe('number');
    expect(resolveShape(both, ['data', 'referrerId'])).toBe('string');
    expect(resolveShape(both, ['data', 'days'])).toBeUndefined();
  });
});
