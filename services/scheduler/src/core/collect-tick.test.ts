import { describe, expect, it } from 'vitest';
import type { IncentiveEvent } from '@incentive/events';
import { applyEvent, createClockPlanner, type CustomerState, type FactsConfig, type ScheduleConfig } from '@incentive/facts';
import { createMemoryDueIndex } from '../../test/memory-due-index.js';
import { collectTickEvents } from './collect-tick.js';
import { addDays } from './dates.js';
import { indexUpdateFor } from './index-update.js';

const UTC: ScheduleConfig = { timezone: 'UTC', inactivityDays: [30, 60, 90] };

function signup(customerId: string, birthday: string, at = '2026-01-01T10:00:00Z'): IncentiveEvent {
  return { id: `s-${customerId}`, type: 'signup', customerId, occurredAt: at, data: { birthday } };
}
function purchase(customerId: string, at: string, amount: number, n = 1): IncentiveEvent {
  return { id: `p-${customerId}-${n}-${at}`, type: 'purchase', customerId, occurredAt: at, data: { orderId: `o-${customerId}-${n}-${at}`, amount, currency: 'GBP' } };
}

async function ids(events: IncentiveEvent[], schedule: ScheduleConfig, date: string, topN = 0): Promise<string[]> {
  const index = createMemoryDueIndex();
  for (const e of events) {
    const u = indexUpdateFor(e, schedule.timezone);
    if (u) index.apply(u);
  }
  return (await collectTickEvents(index, schedule, topN, date)).events.map((e) => e.id);
}

describe('collectTickEvents: birthdays', () => {
  it('raises a birthday on its MM-DD with the deterministic id and the tick instant', async () => {
    const index = createMemoryDueIndex();
    index.apply(indexUpdateFor(signup('c1', '1990-07-14'), 'UTC')!);
    const tick = await collectTickEvents(index, UTC, 0, '2026-07-14');
    expect(tick.events).toEqual([
      { id: 'clock:birthday:c1:2026', type: 'birthday', customerId: 'c1', occurredAt: '2026-07-14T00:00:00+00:00', source: 'scheduler', data: { monthDay: '07-14', year: 2026 } },
    ]);
    expect((await collectTickEvents(index, UTC, 0, '2026-07-13')).events).toEqual([]);
  });

  it('Feb 29 birthdays fall on Feb 28 in non-leap years and on Feb 29 in leap years', async () => {
    const events = [signup('leap', '2000-02-29'), signup('feb28', '--02-28')];
    expect(await ids(events, UTC, '2027-02-28')).toEqual(['clock:birthday:feb28:2027', 'clock:birthday:leap:2027']);
    expect(await ids(events, UTC, '2027-03-01')).toEqual([]);
    expect(await ids(events, UTC, '2028-02-28')).toEqual(['clock:birthday:feb28:2028']);
    expect(await ids(events, UTC, '2028-02-29')).toEqual(['clock:birthday:leap:2028']);
  });

  it('follows a changed birthday (last signup wins) and ignores invalid ones', async () => {
    const events = [signup('c1', '--03-10'), { ...signup('c1', '--04-11'), id: 's2' }, signup('c2', '2001-02-29')];
    expect(await ids(events, UTC, '2026-03-10')).toEqual([]);
    expect(await ids(events, UTC, '2026-04-11')).toEqual(['clock:birthday:c1:2026']);
  });
});

describe('collectTickEvents: inactivity', () => {
  it('raises each threshold at the first tick at or after lastPurchaseAt + N days, keyed by the latest purchase', async () => {
    const events = [purchase('c1', '2026-01-01T10:00:00Z', 10), purchase('c1', '2026-01-05T09:00:00+01:00', 5, 2)];
    expect(await ids(events, UTC, '2026-02-04')).toEqual([]);
    expect(await ids(events, UTC, '2026-02-05')).toEqual(['clock:inactivity:c1:30:2026-01-05T09:00:00+01:00']);
    expect(await ids(events, UTC, '2026-03-07')).toEqual(['clock:inactivity:c1:60:2026-01-05T09:00:00+01:00']);
    expect(await ids(events, UTC, '2026-04-06')).toEqual(['clock:inactivity:c1:90:2026-01-05T09:00:00+01:00']);
  });

  it('a purchase at exactly midnight is due at the midnight N days later', async () => {
    expect(await ids([purchase('c1', '2026-01-01T00:00:00Z', 1)], UTC, '2026-01-31')).toEqual(['clock:inactivity:c1:30:2026-01-01T00:00:00Z']);
  });

  it('agrees with the simulator planner day by day (random customers, Europe/London across DST, leap day)', async () => {
    const schedule: ScheduleConfig = { timezone: 'Europe/London', inactivityDays: [3, 30, 60] };
    const config: FactsConfig = { tiers: [{ id: 'bronze', minSpend12m: 0 }], classifySegment: () => 'regular' };
    const planner = createClockPlanner(schedule);
    const index = createMemoryDueIndex();
    const states = new Map<string, CustomerState>();
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const apply = (e: IncentiveEvent) => {
      const r = applyEvent(states.get(e.customerId), e, config);
      states.set(e.customerId, r.state);
      planner.track(e.customerId, r.state);
      const u = indexUpdateFor(e, schedule.timezone);
      if (u) index.apply(u);
    };
    let date = '2028-01-01';
    let compared = 0;
    for (let day = 0; day < 200; day++) {
      const next = addDays(date, 1);
      // Events during `date` (local), then the tick of `next`.
      for (let i = 0; i < 6; i++) {
        const c = `c${Math.floor(rnd() * 40)}`;
        const hour = String(Math.floor(rnd() * 24)).padStart(2, '0');
        const minute = String(Math.floor(rnd() * 60)).padStart(2, '0');
        const at = `${date}T${hour}:${minute}:00Z`;
        if (!states.has(c)) {
          const md = ['02-29', '03-01', '06-15', '10-30'][Math.floor(rnd() * 4)]!;
          apply({ ...signup(c, `--${md}`, at), id: `s-${c}` });
        } else if (rnd() < 0.7) apply(purchase(c, at, Math.round(rnd() * 10000) / 100, day * 10 + i));
      }
      const expected = planner.dueAt(next).map((e) => e.id);
      const actual = (await collectTickEvents(index, schedule, 0, next)).events.map((e) => e.id);
      expect(actual, next).toEqual(expected);
      compared += actual.length;
      date = next;
    }
    expect(compared).toBeGreaterThan(50);
  });
});

describe('collectTickEvents: leaderboard', () => {
  it('closes the previous month on the 1st with the top N by net spend in the schedule zone', async () => {
    const schedule: ScheduleConfig = { timezone: 'Europe/Berlin', inactivityDays: [] };
    const events = [
      purchase('a', '2026-02-10T10:00:00Z', 50),
      purchase('b', '2026-02-11T10:00:00Z', 80),
      purchase('c', '2026-02-12T10:00:00Z', 80),
      purchase('d', '2026-01-31T23:30:00Z', 500), // 00:30 on Feb 1st in Berlin
      purchase('e', '2026-02-28T23:30:00Z', 900), // already March in Berlin
    ];
    const index = createMemoryDueIndex();
    for (const e of events) index.apply(indexUpdateFor(e, schedule.timezone)!);
    const tick = await collectTickEvents(index, schedule, 3, '2026-03-01');
    expect(tick.closedMonth).toBe('2026-02');
    expect(tick.events.map((e) => [e.id, e.customerId, e.data])).toEqual([
      ['clock:leaderboard:2026-02:1', 'd', { month: '2026-02', rank: 1, spend: 500 }],
      ['clock:leaderboard:2026-02:2', 'b', { month: '2026-02', rank: 2, spend: 80 }],
      ['clock:leaderboard:2026-02:3', 'c', { month: '2026-02', rank: 3, spend: 80 }],
    ]);
    expect(tick.events[0]!.occurredAt).toBe('2026-03-01T00:00:00+01:00');
    expect((await collectTickEvents(index, schedule, 3, '2026-03-02')).events).toEqual([]);
  });
});
