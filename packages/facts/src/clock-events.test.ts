import type { IncentiveEvent } from '@incentive/events';
import { describe, expect, it } from 'vitest';
import { applyEvent, type FactsConfig } from './apply-event.js';
import { birthdayDate, clockEventsForTick, inactivityDueDate, midnightsBetween, tickInstant } from './clock-events.js';
import { createClockPlanner } from './clock-planner.js';
import type { CustomerState } from './customer-state.js';
import type { ScheduleConfig } from './schedule-config.js';

const config: FactsConfig = { tiers: [{ id: 'bronze', minSpend12m: 0 }], classifySegment: (f) => (f.orders ? 'buyer' : 'new') };
const UTC: ScheduleConfig = { timezone: 'UTC', inactivityDays: [30, 60, 90] };
const BERLIN: ScheduleConfig = { timezone: 'Europe/Berlin', inactivityDays: [30] };

let seq = 0;
function stateOf(customerId: string, events: { type: 'purchase' | 'signup'; at: string; birthday?: string }[]): CustomerState {
  let s: CustomerState | undefined;
  for (const e of events) {
    const ev: IncentiveEvent =
      e.type === 'purchase'
        ? { id: `e${++seq}`, type: 'purchase', customerId, occurredAt: e.at, data: { orderId: `o${seq}`, amount: 10, currency: 'EUR' } }
        : { id: `e${++seq}`, type: 'signup', customerId, occurredAt: e.at, data: e.birthday ? { birthday: e.birthday } : {} };
    s = applyEvent(s, ev, config).state;
  }
  return s!;
}

describe('birthday clock events', () => {
  it('fires on the customer month-day with a per-year id at local midnight', () => {
    const s = stateOf('c1', [{ type: 'signup', at: '2026-01-01T00:00:00Z', birthday: '1990-07-14' }]);
    expect(clockEventsForTick(s, '2026-07-13', BERLIN)).toEqual([]);
    expect(clockEventsForTick(s, '2026-07-14', BERLIN)).toEqual([
      {
        id: 'clock:birthday:c1:2026',
        type: 'birthday',
        customerId: 'c1',
        occurredAt: '2026-07-14T00:00:00+02:00',
        source: 'scheduler',
        data: { monthDay: '07-14', year: 2026 },
      },
    ]);
  });

  it('moves Feb 29 to Feb 28 in non-leap years only', () => {
    const s = stateOf('c2', [{ type: 'signup', at: '2026-01-01T00:00:00Z', birthday: '--02-29' }]);
    expect(birthdayDate('02-29', 2027)).toBe('2027-02-28');
    expect(birthdayDate('02-29', 2028)).toBe('2028-02-29');
    expect(birthdayDate('02-29', 2100)).toBe('2100-02-28');
    expect(clockEventsForTick(s, '2027-02-28', UTC).map((e) => e.id)).toEqual(['clock:birthday:c2:2027']);
    expect(clockEventsForTick(s, '2027-03-01', UTC)).toEqual([]);
    expect(clockEventsForTick(s, '2028-02-28', UTC)).toEqual([]);
    expect(clockEventsForTick(s, '2028-02-29', UTC).map((e) => e.id)).toEqual(['clock:birthday:c2:2028']);
  });
});

describe('inactivity clock events', () => {
  it('is due at the first tick at or after lastPurchaseAt + N days', () => {
    expect(inactivityDueDate('2026-01-01T00:00:00Z', 30, 'UTC')).toBe('2026-01-31');
    expect(inactivityDueDate('2026-01-01T00:00:00.001Z', 30, 'UTC')).toBe('2026-02-01');
    // 23:30 UTC is 00:30 on 2 January in Berlin; 30 days later the 00:00 tick is just missed.
    expect(inactivityDueDate('2026-01-01T23:30:00Z', 30, 'Europe/Berlin')).toBe('2026-02-02');
    expect(inactivityDueDate('2026-01-01T22:59:59Z', 30, 'Europe/Berlin')).toBe('2026-02-01');
    // Across spring-forward 30 x 24 h from local midnight ends at 01:00 local: the next tick is a day later,
    // so daysSinceLastPurchase is already >= 30 when the event fires.
    expect(inactivityDueDate('2026-03-01T00:00:00+01:00', 30, 'Europe/Berlin')).toBe('2026-04-01');
  });

  it('fires once per (lastPurchaseAt, N) with the stable id and data, and a purchase re-arms it', () => {
    const s = stateOf('c3', [{ type: 'purchase', at: '2026-01-01T10:00:00Z' }]);
    const fired: string[] = [];
    for (let d = Date.UTC(2026, 0, 1); d <= Date.UTC(2026, 5, 1); d += 86_400_000) {
      const date = new Date(d).toISOString().slice(0, 10);
      for (const e of clockEventsForTick(s, date, UTC)) fired.push(`${date} ${e.id}`);
    }
    expect(fired).toEqual([
      '2026-02-01 clock:inactivity:c3:30:2026-01-01T10:00:00Z',
      '2026-03-03 clock:inactivity:c3:60:2026-01-01T10:00:00Z',
      '2026-04-02 clock:inactivity:c3:90:2026-01-01T10:00:00Z',
    ]);
    const [e] = clockEventsForTick(s, '2026-02-01', UTC);
    expect(e).toMatchObject({ type: 'inactivity', occurredAt: '2026-02-01T00:00:00+00:00', data: { days: 30, lastPurchaseAt: '2026-01-01T10:00:00Z' } });
    // The event, applied, sees at least N whole days since the last purchase.
    expect(applyEvent(s, e!, config).facts.daysSinceLastPurchase).toBe(30);
    const again = stateOf('c3', [{ type: 'purchase', at: '2026-01-01T10:00:00Z' }, { type: 'purchase', at: '2026-01-20T10:00:00Z' }]);
    expect(clockEventsForTick(again, '2026-02-01', UTC)).toEqual([]);
    expect(clockEventsForTick(again, '2026-02-20', UTC).map((x) => x.id)).toEqual(['clock:inactivity:c3:30:2026-01-20T10:00:00Z']);
  });

  it('never fires for customers without purchases', () => {
    const s = stateOf('c4', [{ type: 'signup', at: '2026-01-01T00:00:00Z' }]);
    expect(clockEventsForTick(s, '2026-01-31', UTC)).toEqual([]);
  });
});

describe('midnightsBetween', () => {
  it('lists the local midnights crossed, with DST offsets, excluding from and including to', () => {
    const m = midnightsBetween('2026-03-28T12:00:00+01:00', '2026-03-30T00:00:00+02:00', 'Europe/Berlin');
    expect(m.map((x) => [x.date, x.at])).toEqual([
      ['2026-03-29', '2026-03-29T00:00:00+01:00'],
      ['2026-03-30', '2026-03-30T00:00:00+02:00'],
    ]);
    expect(m[1]!.epochMs - m[0]!.epochMs).toBe(23 * 3_600_000);
    const autumn = midnightsBetween('2026-10-24T23:00:00+02:00', '2026-10-26T12:00:00+01:00', 'Europe/Berlin');
    expect(autumn.map((x) => x.at)).toEqual(['2026-10-25T00:00:00+02:00', '2026-10-26T00:00:00+01:00']);
    expect(autumn[1]!.epochMs - autumn[0]!.epochMs).toBe(25 * 3_600_000);
    expect(midnightsBetween('2026-01-01T00:00:00Z', '2026-01-01T23:59:59Z', 'UTC')).toEqual([]);
    expect(midnightsBetween('2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z', 'UTC')).toEqual([]);
    expect(midnightsBetween('2025-12-31T23:59:59Z', '2026-01-01T00:00:00Z', 'UTC').map((x) => x.date)).toEqual(['2026-01-01']);
  });

  it('uses the real start of a day whose midnight DST skips (Santiago)', () => {
    const m = midnightsBetween('2026-09-05T12:00:00-04:00', '2026-09-07T12:00:00-03:00', 'America/Santiago');
    expect(m.map((x) => x.at)).toEqual(['2026-09-06T01:00:00-03:00', '2026-09-07T00:00:00-03:00']);
    expect(tickInstant('2026-09-06', 'America/Santiago')).toBe('2026-09-06T01:00:00-03:00');
  });

  it('names the bad argument', () => {
    expect(() => midnightsBetween('nope', '2026-01-01T00:00:00Z', 'UTC')).toThrow(/^from: /);
    expect(() => tickInstant('2026-02-30', 'UTC')).toThrow(/^tickDate: /);
  });
});

describe('createClockPlanner', () => {
  function events(planner: ReturnType<typeof createClockPlanner>, from: string, days: number): string[] {
    const out: string[] = [];
    const [y, m, d] = from.split('-').map(Number);
    for (let i = 0; i < days; i++) {
      const date = new Date(Date.UTC(y!, m! - 1, d! + i)).toISOString().slice(0, 10);
      for (const e of planner.dueAt(date)) out.push(`${date} ${e.id}`);
    }
    return out;
  }

  it('matches clockEventsForTick for every customer and tick', () => {
    const schedule: ScheduleConfig = { timezone: 'Europe/Berlin', inactivityDays: [30, 60] };
    const states = [
      stateOf('a', [{ type: 'signup', at: '2026-01-01T00:00:00Z', birthday: '1980-02-29' }, { type: 'purchase', at: '2026-01-10T23:30:00Z' }]),
      stateOf('b', [{ type: 'signup', at: '2026-01-01T00:00:00Z', birthday: '--03-15' }]),
      stateOf('c', [{ type: 'purchase', at: '2026-02-27T12:00:00+01:00' }]),
    ];
    const planner = createClockPlanner(schedule);
    for (const s of states) planner.track(s.customerId, s);
    expect(planner.size).toBe(3);
    const viaPlanner = events(planner, '2026-01-01', 120);
    const direct: string[] = [];
    for (let i = 0; i < 120; i++) {
      const date = new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10);
      const evs = states.flatMap((s) => clockEventsForTick(s, date, schedule)).sort((x, y) => (x.id < y.id ? -1 : 1));
      for (const e of evs) direct.push(`${date} ${e.id}`);
    }
    expect(viaPlanner).toEqual(direct);
    expect(viaPlanner).toEqual([
      '2026-02-11 clock:inactivity:a:30:2026-01-10T23:30:00Z', // 00:30 local on 11 Jan + 30 d
      '2026-02-28 clock:birthday:a:2026',
      '2026-03-13 clock:inactivity:a:60:2026-01-10T23:30:00Z',
      '2026-03-15 clock:birthday:b:2026',
      '2026-03-30 clock:inactivity:c:30:2026-02-27T12:00:00+01:00',
      '2026-04-29 clock:inactivity:c:60:2026-02-27T12:00:00+01:00',
    ]);
  });

  it('drops inactivity entries superseded by a later purchase and follows birthday changes', () => {
    const planner = createClockPlanner(UTC);
    planner.track('a', stateOf('a', [{ type: 'signup', at: '2026-01-01T00:00:00Z', birthday: '--01-20' }, { type: 'purchase', at: '2026-01-01T00:00:00Z' }]));
    expect(events(planner, '2026-01-01', 10)).toEqual([]);
    planner.track(
      'a',
      stateOf('a', [
        { type: 'signup', at: '2026-01-01T00:00:00Z', birthday: '--01-25' },
        { type: 'purchase', at: '2026-01-01T00:00:00Z' },
        { type: 'purchase', at: '2026-01-10T00:00:00Z' },
      ]),
    );
    expect(events(planner, '2026-01-11', 60)).toEqual([
      '2026-01-25 clock:birthday:a:2026',
      '2026-02-09 clock:inactivity:a:30:2026-01-10T00:00:00Z',
      '2026-03-11 clock:inactivity:a:60:2026-01-10T00:00:00Z',
    ]);
  });

  it('catches up inactivity due on dates that were never ticked, once', () => {
    const planner = createClockPlanner(UTC);
    planner.dueAt('2026-01-01');
    planner.track('a', stateOf('a', [{ type: 'purchase', at: '2026-01-01T10:00:00Z' }]));
    expect(planner.dueAt('2026-03-05').map((e) => [e.id, e.occurredAt])).toEqual([
      ['clock:inactivity:a:30:2026-01-01T10:00:00Z', '2026-03-05T00:00:00+00:00'],
      ['clock:inactivity:a:60:2026-01-01T10:00:00Z', '2026-03-05T00:00:00+00:00'],
    ]);
    expect(planner.dueAt('2026-03-05')).toEqual([]);
    expect(() => planner.dueAt('05/03/2026')).toThrow(/^tickDate: /);
  });

  it('schedules thresholds already past at tracking time for the next tick', () => {
    const planner = createClockPlanner(UTC);
    planner.dueAt('2026-06-01');
    planner.track('old', stateOf('old', [{ type: 'purchase', at: '2026-01-01T10:00:00Z' }]));
    expect(planner.dueAt('2026-06-02').map((e) => e.id)).toEqual([
      'clock:inactivity:old:30:2026-01-01T10:00:00Z',
      'clock:inactivity:old:60:2026-01-01T10:00:00Z',
      'clock:inactivity:old:90:2026-01-01T10:00:00Z',
    ]);
  });
});
