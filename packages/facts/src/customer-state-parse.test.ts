import { describe, expect, it } from 'vitest';
import { applyEvent } from './apply-event.js';
import { parseCustomerState } from './customer-state-parse.js';
import { FactsInputError } from './errors.js';
import { calendarOf } from './calendar.js';

const config = { tiers: [{ id: 'bronze', minSpend12m: 0 }], classifySegment: () => 'x' };
const state = applyEvent(
  undefined,
  { id: 'e1', type: 'purchase', customerId: 'c1', occurredAt: '2026-01-01T00:00:00Z', data: { orderId: 'o', amount: 12.5, currency: 'EUR' } },
  config,
).state;

describe('parseCustomerState', () => {
  it('accepts a state after a JSON round-trip and keeps applying events to it', () => {
    const loaded = parseCustomerState(JSON.parse(JSON.stringify(state)));
    const next = applyEvent(
      loaded,
      { id: 'e2', type: 'purchase', customerId: 'c1', occurredAt: '2026-01-02T00:00:00Z', data: { orderId: 'o2', amount: 1, currency: 'EUR' } },
      config,
    );
    expect(next.facts.spend12m).toBe(13.5);
  });

  it('names the bad field', () => {
    const bad = (patch: Record<string, unknown>) => () => parseCustomerState({ ...JSON.parse(JSON.stringify(state)), ...patch });
    expect(bad({ v: 3 })).toThrow('state.v: unsupported state version 3 (expected 2, or 1 to upgrade)');
    expect(bad({ orders: -1 })).toThrow('state.orders: must be a non-negative integer');
    expect(bad({ tier: 3 })).toThrow('state.tier: must be a string or null');
    expect(bad({ window: [[1, 'x', 1]] })).toThrow('state.window[0]: must be [day, amountMinor >= 0, orders >= 1] (integers)');
    expect(bad({ window: [[20454, 1250, 1], [20454, 0, 1]] })).toThrow('state.window[1]: days must be strictly ascending');
    expect(bad({ windowMinor: 5 })).toThrow('state.windowMinor: must equal the window sum 1250, got 5');
    expect(bad({ windowOrders: 2 })).toThrow("state.windowOrders: must equal the window's order count 1, got 2");
    expect(() => parseCustomerState('{}')).toThrow(FactsInputError);
  });
});

describe('parseCustomerState: version 1 states (one window entry per purchase)', () => {
  const day = (iso: string) => Math.floor(Date.parse(iso) / 86_400_000);
  const v1 = (window: unknown[], windowMinor: number) => {
    const { windowOrders: _dropped, ...rest } = JSON.parse(JSON.stringify(state)) as Record<string, unknown>;
    return { ...rest, v: 1, window, windowMinor };
  };

  it('upgrades to one entry per UTC day, and the upgraded state keeps working', () => {
    const t = (iso: string) => Date.parse(iso);
    const up = parseCustomerState(v1([[t('2026-01-01T00:00:00Z'), 1250], [t('2026-01-01T23:00:00Z'), 100], [t('2026-01-02T01:00:00Z'), 50]], 1400));
    expect(up.v).toBe(2);
    expect(up.window).toEqual([[day('2026-01-01'), 1350, 2], [day('2026-01-02'), 50, 1]]);
    expect(up.windowOrders).toBe(3);
    const next = applyEvent(up, { id: 'e3', type: 'signup', customerId: 'c1', occurredAt: '2026-01-03T00:00:00Z', data: {} }, config);
    expect(next.facts).toMatchObject({ spend12m: 14, orders12m: 3 });
  });

  it('names the bad field of a version 1 window', () => {
    expect(() => parseCustomerState(v1([[1, 'x']], 0))).toThrow('state.window[0]: must be [epochMs, amountMinor >= 0]');
    expect(() => parseCustomerState(v1([[5, 1], [4, 1]], 2))).toThrow('state.window[1]: must be in ascending time order');
    expect(() => parseCustomerState(v1([[5, 1]], 7))).toThrow('state.windowMinor: must equal the window sum 1, got 7');
  });
});

describe('time zone input', () => {
  it('names an unknown zone', () => {
    expect(() => calendarOf('2026-01-01T00:00:00Z', 'Mars/Olympus')).toThrow('timeZone: unknown IANA time zone "Mars/Olympus"');
  });
});
