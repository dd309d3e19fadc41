import { describe, expect, it } from 'vitest';
import { FactsConfigError } from './errors.js';
import { parseScheduleConfig, validateScheduleConfig } from './schedule-config.js';
import { parseTiers, tierFor, validateTiers } from './tiers.js';

const SHIPPED = [
  { id: 'bronze', minSpend12m: 0 },
  { id: 'silver', minSpend12m: 200 },
  { id: 'gold', minSpend12m: 500 },
  { id: 'platinum', minSpend12m: 1000 },
];

describe('tiers', () => {
  it('parses the shipped shape and picks the highest reached tier', () => {
    const tiers = parseTiers(SHIPPED);
    expect(tiers).toEqual(SHIPPED);
    expect(tiers).not.toBe(SHIPPED);
    expect([0, 199.99, 200, 999.99, 1000, 1e6].map((s) => tierFor(tiers, s))).toEqual(['bronze', 'bronze', 'silver', 'gold', 'platinum', 'platinum']);
  });

  it('reports every problem with a JSON pointer and reason', () => {
    expect(
      validateTiers([
        { id: 'bronze', minSpend12m: 0 },
        { id: 'silver', minSpend12m: -1 },
        { id: 'bronze', minSpend12m: 300 },
        { id: 'gold', minSpend12m: 250 },
        { id: '', minSpend12m: 10.001 },
        'platinum',
      ]),
    ).toEqual([
      { pointer: '/1/minSpend12m', message: 'must be a number >= 0 with at most 2 decimals' },
      { pointer: '/2/id', message: 'duplicate tier id "bronze"' },
      { pointer: '/3/minSpend12m', message: "must be greater than the previous tier's 300 (tiers are listed ascending)" },
      { pointer: '/4/id', message: 'must be a string of 1-64 letters, digits, "-" or "_"' },
      { pointer: '/4/minSpend12m', message: 'must be a number >= 0 with at most 2 decimals' },
      { pointer: '/5', message: 'must be an object {id, minSpend12m}' },
    ]);
    expect(validateTiers({})).toEqual([{ pointer: '', message: 'must be an array of {id, minSpend12m}' }]);
    expect(validateTiers([])).toEqual([{ pointer: '', message: 'must list at least one tier' }]);
  });

  it('parseTiers throws FactsConfigError naming the first field', () => {
    let err: unknown;
    try {
      parseTiers([{ id: 'a', minSpend12m: 5 }, { id: 'b', minSpend12m: '10' }, { id: 'a', minSpend12m: 20 }], 'rules/tiers.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FactsConfigError);
    const e = err as FactsConfigError;
    expect(e.name).toBe('FactsConfigError');
    expect(e.message).toBe('rules/tiers.json: /1/minSpend12m: must be a number >= 0 with at most 2 decimals (+1 more)');
    expect(e.problems).toHaveLength(2);
    expect(e.retryable).toBe(false);
  });
});

describe('schedule config', () => {
  it('parses and sorts thresholds, keeps the optional expiry', () => {
    expect(parseScheduleConfig({ timezone: 'Europe/Berlin', inactivityDays: [90, 30, 60], pointsExpireAfterDays: 365, future: 1 })).toEqual({
      timezone: 'Europe/Berlin',
      inactivityDays: [30, 60, 90],
      pointsExpireAfterDays: 365,
    });
  });

  it('names every bad field', () => {
    expect(validateScheduleConfig({ timezone: 'Nowhere/City', inactivityDays: [30, 0, 30, 2.5], pointsExpireAfterDays: -1 })).toEqual([
      { pointer: '/timezone', message: 'must be an IANA time zone name known to the runtime, got "Nowhere/City"' },
      { pointer: '/inactivityDays/1', message: 'must be a positive integer (days)' },
      { pointer: '/inactivityDays/2', message: 'duplicate threshold 30' },
      { pointer: '/inactivityDays/3', message: 'must be a positive integer (days)' },
      { pointer: '/pointsExpireAfterDays', message: 'must be a positive integer (days) when present' },
    ]);
    expect(validateScheduleConfig({ timezone: 'UTC' })).toEqual([{ pointer: '/inactivityDays', message: 'must be an array of positive integers (days)' }]);
    expect(validateScheduleConfig(null)).toHaveLength(1);
    expect(() => parseScheduleConfig({ timezone: 5, inactivityDays: [] })).toThrow('schedule.json: /timezone: must be an IANA time zone name known to the runtime, got 5');
  });
});
