import type { IncentiveEvent } from '@incentive/events';
import { describe, expect, it } from 'vitest';
import { applyEvent, type FactsConfig } from './apply-event.js';
import type { CustomerFacts, CustomerState } from './customer-state.js';
import { FactsInputError } from './errors.js';

const TIERS = [
  { id: 'bronze', minSpend12m: 0 },
  { id: 'silver', minSpend12m: 200 },
  { id: 'gold', minSpend12m: 500 },
  { id: 'platinum', minSpend12m: 1000 },
];

function classify(f: CustomerFacts): string {
  if (f.orders === 0) return 'new';
  if (f.daysSinceLastPurchase !== null && f.daysSinceLastPurchase >= 90) return 'churned';
  if (f.spend12m >= 1000 && f.orders12m >= 3) return 'high-value';
  if (f.orders <= 2) return 'potential';
  return 'regular';
}

const config: FactsConfig = { tiers: TIERS, classifySegment: classify };

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

let seq = 0;
const C = 'c1';
const purchase = (occurredAt: string, amount: number, customerId = C): IncentiveEvent => ({
  id: `p${++seq}`,
  type: 'purchase',
  customerId,
  occurredAt,
  data: { orderId: `o${seq}`, amount, currency: 'EUR' },
});
const refund = (occurredAt: string, amount: number): IncentiveEvent => ({
  id: `r${++seq}`,
  type: 'refund',
  customerId: C,
  occurredAt,
  data: { orderId: 'o', amount, currency: 'EUR' },
});
const signup = (occurredAt: string, data: Record<string, string> = {}, customerId = C): IncentiveEvent => ({
  id: `s${++seq}`,
  type: 'signup',
  customerId,
  occurredAt,
  data,
});
const referral = (customerId: string, referrerId: string, occurredAt = '2026-03-01T10:00:00Z'): IncentiveEvent => ({
  id: `ref${++seq}`,
  type: 'referral',
  customerId,
  occurredAt,
  data: { referrerId },
});
const birthdayTick = (occurredAt: string): IncentiveEvent => ({
  id: `b${++seq}`,
  type: 'birthday',
  customerId: C,
  occurredAt,
  data: { monthDay: '05-01', year: 2026 },
});

/** Applies events in order with frozen inputs; returns every result. */
function run(events: IncentiveEvent[], start?: CustomerState, ctx?: { referrerKnown?: boolean }) {
  let state = start;
  const results = [];
  for (const e of events) {
    const r = applyEvent(state === undefined ? undefined : deepFreeze(state), deepFreeze(e), config, ctx);
    results.push(r);
    state = r.state;
  }
  return results;
}
const last = <T>(xs: T[]): T => xs[xs.length - 1]!;

describe('applyEvent: purchase facts', () => {
  it('counts orders, totals, average and first/last purchase in major units', () => {
    const r = run([
      purchase('2026-01-05T10:00:00Z', 10.1),
      purchase('2026-01-06T10:00:00Z', 20.2),
      purchase('2026-01-07T10:00:00+02:00', 0.3),
    ]);
    const f = last(r).facts;
    expect(f.orders).toBe(3);
    expect(f.totalSpend).toBe(30.6); // minor units: no 30.599999
    expect(f.spend12m).toBe(30.6);
    expect(f.orders12m).toBe(3);
    expect(f.avgOrderValue).toBe(10.2);
    expect(f.firstPurchaseAt).toBe('2026-01-05T10:00:00Z');
    expect(f.lastPurchaseAt).toBe('2026-01-07T10:00:00+02:00');
  });

  it('daysSinceLastPurchase is whole days from the previous purchase; null on the first', () => {
    const r = run([
      purchase('2026-01-01T12:00:00Z', 5),
      purchase('2026-01-11T11:59:59Z', 5), // 9 days 23:59:59
      purchase('2026-01-21T12:00:00Z', 5), // 10 days 00:00:01
    ]);
    expect(r.map((x) => x.facts.daysSinceLastPurchase)).toEqual([null, 9, 10]);
  });

  it('a non-purchase event measures from the last purchase to the event', () => {
    const r = run([purchase('2026-01-01T00:00:00Z', 5), signup('2026-01-31T00:00:00Z')]);
    expect(last(r).facts.daysSinceLastPurchase).toBe(30);
    expect(last(r).facts.recencyDays).toBe(30);
  });

  it('recencyDays counts this purchase (0 on a purchase), unlike daysSinceLastPurchase', () => {
    const r = run([signup('2026-01-01T00:00:00Z'), purchase('2026-01-01T00:00:00Z', 5), purchase('2026-05-01T00:00:00Z', 5), birthdayTick('2026-05-03T12:00:00Z')]);
    expect(r.map((x) => [x.facts.daysSinceLastPurchase, x.facts.recencyDays])).toEqual([
      [null, null],
      [null, 0],
      [120, 0],
      [2, 2],
    ]);
  });
});

describe('applyEvent: trailing 365-day window', () => {
  const t0 = '2025-01-01T00:00:00Z';
  const day = (iso: string) => Math.floor(Date.parse(iso) / 86_400_000);
  it('counts a purchase through the end of the UTC day 365 days after its own, and drops it after', () => {
    const inside = run([purchase('2025-01-01T18:00:00Z', 100), purchase('2026-01-01T23:59:59.999Z', 1)]);
    expect(last(inside).facts.spend12m).toBe(101);
    expect(last(inside).facts.orders12m).toBe(2);
    const edge = run([purchase('2025-01-01T18:00:00Z', 100), purchase('2026-01-02T00:00:00Z', 1)]);
    expect(last(edge).facts.spend12m).toBe(1);
    expect(last(edge).facts.orders12m).toBe(1);
    expect(last(edge).facts.totalSpend).toBe(101);
    expect(last(edge).state.window).toEqual([[day('2026-01-02'), 100, 1]]);
  });

  it('at a day tick (00:00 UTC) the window is exactly the 365 days before it', () => {
    const r = run([purchase('2025-01-01T00:00:00.001Z', 100), birthdayTick('2026-01-01T00:00:00Z'), birthdayTick('2026-01-02T00:00:00Z')]);
    expect(r.map((x) => x.facts.spend12m)).toEqual([100, 100, 0]);
  });

  it('keeps one entry per UTC day, however many purchases that day has', () => {
    const r = run([purchase('2026-03-01T08:00:00Z', 10), purchase('2026-03-01T09:00:00Z', 20), purchase('2026-03-01T23:59:59Z', 30), purchase('2026-03-02T00:00:00Z', 5)]);
    expect(last(r).state.window).toEqual([[day('2026-03-01'), 6000, 3], [day('2026-03-02'), 500, 1]]);
    expect(last(r).facts).toMatchObject({ spend12m: 65, orders12m: 4, orders: 4 });
  });

  it('slides on clock events without changing purchase facts', () => {
    const r = run([purchase(t0, 300), birthdayTick('2025-06-01T00:00:00Z'), birthdayTick('2026-01-02T00:00:00Z')]);
    const [, mid, after] = r;
    expect(mid!.facts.spend12m).toBe(300);
    expect(mid!.facts.daysSinceLastPurchase).toBe(151);
    expect(after!.facts.spend12m).toBe(0);
    expect(after!.facts.orders12m).toBe(0);
    expect(after!.facts.orders).toBe(1);
    expect(after!.facts.totalSpend).toBe(300);
    expect(after!.facts.lastPurchaseAt).toBe(t0);
    expect(after!.facts.daysSinceLastPurchase).toBe(366);
  });

  it('evaluates at the latest time seen, so a late event cannot bring back expired spend', () => {
    const r = run([purchase(t0, 300), birthdayTick('2026-01-02T00:00:00Z'), birthdayTick('2025-06-01T00:00:00Z')]);
    expect(last(r).facts.spend12m).toBe(0);
    expect(last(r).notes).toContain('out_of_order');
    expect(last(r).state.asOfMs).toBe(Date.parse('2026-01-02T00:00:00Z'));
  });

  it('keeps the window sorted when a purchase arrives late, adding to its own day', () => {
    const r = run([purchase('2026-01-01T12:00:00Z', 4), purchase('2026-02-01T00:00:00Z', 1), purchase('2026-01-01T00:00:00Z', 2), purchase('2026-01-15T00:00:00Z', 3)]);
    const s = last(r).state;
    expect(s.window).toEqual([[day('2026-01-01'), 600, 2], [day('2026-01-15'), 300, 1], [day('2026-02-01'), 100, 1]]);
    expect(last(r).facts).toMatchObject({ spend12m: 10, orders12m: 4 });
    expect(s.firstPurchaseAt).toBe('2026-01-01T00:00:00Z');
    expect(s.lastPurchaseAt).toBe('2026-02-01T00:00:00Z');
  });

  it('drops a late purchase that is already outside the window, from the window only', () => {
    const r = run([purchase('2026-06-01T00:00:00Z', 1), purchase('2025-05-01T00:00:00Z', 2)]);
    expect(last(r).state.window).toEqual([[day('2026-06-01'), 100, 1]]);
    expect(last(r).facts).toMatchObject({ spend12m: 1, orders12m: 1, totalSpend: 3, orders: 2 });
  });

  it('old stays before new (sorted) with a late purchase', () => {
    const r = run([purchase('2026-02-01T00:00:00Z', 1), purchase('2026-01-01T00:00:00Z', 2)]);
    const s = last(r).state;
    expect(s.window.map((e) => e[1])).toEqual([200, 100]);
    expect(s.lastPurchaseAt).toBe('2026-02-01T00:00:00Z');
    expect(last(r).facts.daysSinceLastPurchase).toBe(0);
  });
});

describe('applyEvent: refunds', () => {
  it('subtracts from total and the window, counts refunds, keeps orders', () => {
    const r = run([purchase('2026-01-01T00:00:00Z', 100), purchase('2026-01-02T00:00:00Z', 50), refund('2026-01-03T00:00:00Z', 30)]);
    const f = last(r).facts;
    expect(f.orders).toBe(2);
    expect(f.refunds).toBe(1);
    expect(f.totalSpend).toBe(120);
    expect(f.spend12m).toBe(120);
    expect(f.orders12m).toBe(2);
    expect(f.avgOrderValue).toBe(60);
    // Partial refund comes off the newest purchase first.
    expect(last(r).state.window.map((e) => e[1])).toEqual([10000, 2000]);
  });

  it('a refund larger than the newest day takes the rest from the days before, keeping order counts', () => {
    const r = run([purchase('2026-01-01T00:00:00Z', 100), purchase('2026-01-02T00:00:00Z', 50), refund('2026-01-03T00:00:00Z', 100)]);
    expect(last(r).state.window.map((e) => [e[1], e[2]])).toEqual([[5000, 1], [0, 1]]);
    expect(last(r).facts).toMatchObject({ spend12m: 50, orders12m: 2 });
    // The newest day holds the refund longest: when the older day leaves the window, nothing is left.
    const later = run([birthdayTick('2027-01-02T12:00:00Z')], last(r).state);
    expect(last(later).facts).toMatchObject({ spend12m: 0, orders12m: 1 });
  });

  it('never goes below zero and reports refunds larger than known spend', () => {
    const r = run([purchase('2026-01-01T00:00:00Z', 10), refund('2026-01-02T00:00:00Z', 25)]);
    expect(last(r).facts.totalSpend).toBe(0);
    expect(last(r).facts.spend12m).toBe(0);
    expect(last(r).notes).toEqual(['refund_exceeds_spend']);
    const first = run([refund('2026-01-02T00:00:00Z', 25)]);
    expect(last(first).facts.totalSpend).toBe(0);
    expect(last(first).facts.refunds).toBe(1);
    expect(last(first).facts.avgOrderValue).toBe(0);
  });

  it('a refund for an order older than the window reduces the total only', () => {
    const r = run([purchase('2025-01-01T00:00:00Z', 80), purchase('2026-03-01T00:00:00Z', 20), refund('2026-03-02T00:00:00Z', 80)]);
    // The 80 is out of the window; the window absorbs what it can (the 20) and notes the rest.
    expect(last(r).facts.totalSpend).toBe(20);
    expect(last(r).facts.spend12m).toBe(0);
    expect(last(r).notes).toEqual(['refund_outside_window']);
  });
});

describe('applyEvent: weekly streak (ISO weeks, UTC)', () => {
  it('counts consecutive ISO weeks across the 2026 -> 2027 boundary (week 53 -> 1)', () => {
    // 2026-12-28 (Mon) is ISO 2026-W53; 2027-01-04 (Mon) is 2027-W01.
    const r = run([
      purchase('2026-12-21T09:00:00Z', 1), // W52
      purchase('2026-12-31T23:00:00Z', 1), // W53
      purchase('2027-01-04T00:00:00Z', 1), // W01
      purchase('2027-01-10T23:59:59Z', 1), // W01 again (Sunday)
    ]);
    expect(r.map((x) => x.facts.weeklyStreak)).toEqual([1, 2, 3, 3]);
  });

  it('counts across a year with 52 weeks (2025-W52 -> 2026-W01) and resets after a gap', () => {
    const r = run([
      purchase('2025-12-28T12:00:00Z', 1), // Sunday of 2025-W52
      purchase('2025-12-29T00:00:00Z', 1), // Monday of 2026-W01
      purchase('2026-01-19T00:00:00Z', 1), // W04: gap of two weeks
    ]);
    expect(r.map((x) => x.facts.weeklyStreak)).toEqual([1, 2, 1]);
  });

  it('uses UTC weeks: a Monday 00:30 in Berlin is still Sunday UTC', () => {
    const r = run([purchase('2026-01-05T12:00:00Z', 1), purchase('2026-01-12T00:30:00+01:00', 1)]);
    expect(last(r).facts.weeklyStreak).toBe(1);
  });

  it('is not reset by time passing without purchases', () => {
    const r = run([purchase('2026-01-05T12:00:00Z', 1), purchase('2026-01-12T12:00:00Z', 1), birthdayTick('2026-06-01T00:00:00Z')]);
    expect(last(r).facts.weeklyStreak).toBe(2);
  });
});

describe('applyEvent: tiers', () => {
  it('moves up with trailing spend and reports next tier and distance', () => {
    const r = run([purchase('2026-01-01T00:00:00Z', 150), purchase('2026-01-02T00:00:00Z', 60), purchase('2026-01-03T00:00:00Z', 1000)]);
    const [a, b, c] = r.map((x) => x.facts);
    expect(a).toMatchObject({ tier: 'bronze', previousTier: 'bronze', tierChanged: null, nextTier: 'silver', spendToNextTier: 50 });
    expect(b).toMatchObject({ tier: 'silver', previousTier: 'bronze', tierChanged: 'up', nextTier: 'gold', spendToNextTier: 290 });
    expect(c).toMatchObject({ tier: 'platinum', previousTier: 'silver', tierChanged: 'up', nextTier: null, spendToNextTier: null });
  });

  it('moves down on a refund and when spend leaves the window', () => {
    const r = run([
      purchase('2025-01-01T00:00:00Z', 600),
      refund('2025-01-02T00:00:00Z', 200),
      birthdayTick('2026-01-02T00:00:00Z'),
    ]);
    expect(r.map((x) => [x.facts.tier, x.facts.tierChanged])).toEqual([
      ['gold', 'up'],
      ['silver', 'down'],
      ['bronze', 'down'],
    ]);
  });

  it('reports no change when the stored tier is no longer in the tier list', () => {
    const [first] = run([purchase('2026-01-01T00:00:00Z', 10)]);
    const renamed: FactsConfig = { tiers: [{ id: 'basic', minSpend12m: 0 }], classifySegment: classify };
    const r = applyEvent(deepFreeze(first!.state), purchase('2026-01-02T00:00:00Z', 1), renamed);
    expect(r.facts).toMatchObject({ tier: 'basic', previousTier: 'bronze', tierChanged: null });
  });

  it('has no tier below the lowest threshold', () => {
    const cfg: FactsConfig = { tiers: [{ id: 'silver', minSpend12m: 200 }], classifySegment: classify };
    const r = applyEvent(undefined, purchase('2026-01-01T00:00:00Z', 10), cfg);
    expect(r.facts).toMatchObject({ tier: null, previousTier: null, tierChanged: null, nextTier: 'silver', spendToNextTier: 190 });
    const up = applyEvent(r.state, purchase('2026-01-02T00:00:00Z', 190), cfg);
    expect(up.facts).toMatchObject({ tier: 'silver', previousTier: null, tierChanged: 'up' });
  });
});

describe('applyEvent: segments', () => {
  it('classifies after the event and keeps the previous segment', () => {
    const r = run([
      signup('2026-01-01T00:00:00Z'),
      purchase('2026-01-02T00:00:00Z', 10),
      purchase('2026-01-03T00:00:00Z', 10),
      purchase('2026-01-04T00:00:00Z', 10),
      birthdayTick('2026-04-04T00:00:00Z'),
    ]);
    expect(r.map((x) => [x.facts.previousSegment, x.facts.segment, x.facts.segmentChanged])).toEqual([
      ['new', 'new', false],
      ['new', 'potential', true],
      ['potential', 'potential', false],
      ['potential', 'regular', true],
      ['regular', 'churned', true], // 90 days after the last purchase, on a clock tick
    ]);
    expect(last(r).state.segment).toBe('churned');
  });

  it('gives classifySegment the facts after the event with the previous segment', () => {
    const seen: CustomerFacts[] = [];
    const cfg: FactsConfig = { tiers: TIERS, classifySegment: (f) => (seen.push({ ...f }), f.tier === 'silver' ? 'silver-ish' : 'other') };
    const r = applyEvent(undefined, purchase('2026-01-01T00:00:00Z', 250), cfg);
    expect(r.facts.segment).toBe('silver-ish');
    expect(last(seen)).toMatchObject({ orders: 1, tier: 'silver', segment: 'other', previousSegment: 'other', segmentChanged: false });
  });
});

describe('applyEvent: signup facts', () => {
  it('records signedUpAt, birthday (MM-DD), country and referrer', () => {
    const r = run([signup('2026-01-01T08:00:00+01:00', { birthday: '1990-07-14', country: 'FR', referrerId: 'c9', email: 'a@b.c' })]);
    expect(r[0]!.facts).toMatchObject({ signedUpAt: '2026-01-01T08:00:00+01:00', birthday: '07-14', country: 'FR', referrerId: 'c9' });
    const again = run([signup('2026-02-01T00:00:00Z', { birthday: '--02-29', referrerId: 'other' })], r[0]!.state);
    expect(again[0]!.facts).toMatchObject({ signedUpAt: '2026-01-01T08:00:00+01:00', birthday: '02-29', country: 'FR', referrerId: 'c9' });
  });

  it('rejects impossible birthdays with a note and ignores self-referral', () => {
    const r = run([signup('2026-01-01T00:00:00Z', { birthday: '1991-02-29', referrerId: C })]);
    expect(r[0]!.facts.birthday).toBeNull();
    expect(r[0]!.facts.referrerId).toBeNull();
    expect(r[0]!.notes).toEqual(['invalid_birthday', 'self_referral']);
  });
});

describe('applyEvent: referrals', () => {
  it('credits a known referrer once with a derived referral.credited event', () => {
    const ev = referral('x', 'y');
    const r = applyEvent(undefined, deepFreeze(ev), config, { referrerKnown: true });
    expect(r.notes).toEqual([]);
    expect(r.derived).toEqual([
      {
        id: `derived:referral.credited:${ev.id}`,
        type: 'referral.credited',
        customerId: 'y',
        occurredAt: ev.occurredAt,
        source: 'rules-engine',
        data: { refereeId: 'x', sourceEventId: ev.id },
      },
    ]);
    expect(r.facts.referrerId).toBe('y');
    const again = applyEvent(deepFreeze(r.state), referral('x', 'y'), config, { referrerKnown: true });
    expect(again.derived).toEqual([]);
    expect(again.notes).toEqual(['referral_already_credited']);

    // Processed under the referrer's key, it counts as a credited referral.
    const y1 = applyEvent(undefined, deepFreeze(r.derived[0]!), config);
    const y2 = applyEvent(deepFreeze(y1.state), { ...r.derived[0]!, id: 'derived:referral.credited:other' }, config);
    expect([y1.facts.referrals, y2.facts.referrals]).toEqual([1, 2]);
  });

  it('yields nothing for self-referral, unknown referrers and referees who already bought', () => {
    expect(applyEvent(undefined, referral('x', 'x'), config, { referrerKnown: true })).toMatchObject({ derived: [], notes: ['self_referral'] });
    expect(applyEvent(undefined, referral('x', 'y'), config, { referrerKnown: false })).toMatchObject({ derived: [], notes: ['unknown_referrer'] });
    expect(applyEvent(undefined, referral('x', 'y'), config)).toMatchObject({ derived: [], notes: ['unknown_referrer'] });
    const bought = applyEvent(undefined, purchase('2026-01-01T00:00:00Z', 5, 'x'), config).state;
    const r = applyEvent(deepFreeze(bought), referral('x', 'y'), config, { referrerKnown: true });
    expect(r).toMatchObject({ derived: [], notes: ['referee_has_purchases'] });
    expect(r.facts.referrerId).toBeNull();
  });
});

describe('applyEvent: purity and input errors', () => {
  it('never mutates the input state (frozen inputs) and returns JSON-serialisable state', () => {
    const r = run([purchase('2026-01-01T00:00:00Z', 10), refund('2026-01-02T00:00:00Z', 5), purchase('2026-01-03T00:00:00Z', 10)]);
    const snapshot = JSON.stringify(r[0]!.state);
    expect(JSON.stringify(r[0]!.state)).toBe(snapshot);
    const s = last(r).state;
    expect(JSON.parse(JSON.stringify(s))).toEqual({ ...s, window: s.window.map((e) => [...e]) });
  });

  it('shares the window array when an event does not change it', () => {
    const [a] = run([purchase('2026-01-01T00:00:00Z', 10)]);
    const b = applyEvent(deepFreeze(a!.state), signup('2026-01-02T00:00:00Z'), config);
    expect(b.state.window).toBe(a!.state.window);
  });

  it('names the field of a bad time or a state of another customer', () => {
    expect(() => applyEvent(undefined, purchase('2026-01-01', 1), config)).toThrow(FactsInputError);
    expect(() => applyEvent(undefined, purchase('2026-01-01', 1), config)).toThrow(/occurredAt/);
    const s = applyEvent(undefined, purchase('2026-01-01T00:00:00Z', 1), config).state;
    expect(() => applyEvent(s, purchase('2026-01-02T00:00:00Z', 1, 'other'), config)).toThrow(/customerId/);
  });

  it('flags an inactivity event whose lastPurchaseAt is no longer the last purchase', () => {
    const s = applyEvent(undefined, purchase('2026-01-01T00:00:00Z', 1), config).state;
    const tick = (lastPurchaseAt: string): IncentiveEvent => ({
      id: `i${++seq}`,
      type: 'inactivity',
      customerId: C,
      occurredAt: '2026-01-31T00:00:00Z',
      data: { days: 30, lastPurchaseAt },
    });
    expect(applyEvent(s, tick('2026-01-01T00:00:00Z'), config).notes).toEqual([]);
    const r = applyEvent(s, tick('2025-12-01T00:00:00Z'), config);
    expect(r.notes).toEqual(['inactivity_stale']);
    expect(r.facts.daysSinceLastPurchase).toBe(30);
  });
});
