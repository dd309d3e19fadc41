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
    expect(bad({ v: 2 })).toThrow('state.v: unsupported state version 2 (expected 1)');
    expect(bad({ orders: -1 })).toThrow('state.orders: must be a non-negative integer');
    expect(bad({ tier: 3 })).toThrow('state.tier: must be a string or null');
    expect(bad({ window: [[1, 'x']] })).toThrow('state.window[0]: must be [epochMs, amountMinor >= 0]');
    expect(bad({ windowMinor: 5 })).toThrow('state.windowMinor: must equal the window sum 1250, got 5');
    expect(() => parseCustomerState('{}')).toThrow(FactsInputError);
  });
});

describe('time zone input', () => {
  it('names an unknown zone', () => {
    expect(() => calendarOf('2026-01-01T00:00:00Z', 'Mars/Olympus')).toThrow('timeZone: unknown IANA time zone "Mars/Olympus"');
  });
});
