import { describe, expect, it } from 'vitest';
import { getServices, redisKeyPrefix, uniqueGroupId, uniqueId, uniqueMongoDbName } from './isolation.js';

describe('isolation names', () => {
  it('uniqueId keeps the prefix and never repeats', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => uniqueId('topic')));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^topic-[a-z0-9]+$/);
    expect(uniqueGroupId()).toMatch(/^test-group-[a-z0-9]+$/);
  });

  it('redisKeyPrefix has no braces, so the key keeps its own hash tag', () => {
    const prefix = redisKeyPrefix();
    expect(prefix).toMatch(/^t_[a-z0-9]+:$/);
    expect(`${prefix}inc:{c:42}:facts`.match(/\{([^}]*)\}/)?.[1]).toBe('c:42');
  });

  it('uniqueMongoDbName is short and [a-z0-9_] only', () => {
    const name = uniqueMongoDbName('ledger');
    expect(name).toMatch(/^ledger_[a-z0-9]+$/);
    expect(name.length).toBeLessThanOrEqual(40);
    expect(() => uniqueMongoDbName('Bad-Name')).toThrow('uniqueMongoDbName: prefix "Bad-Name" must match');
  });

  it('getServices explains how to get services when none were provided', () => {
    // This file runs in the unit project, which has no global setup.
    expect(() => getServices()).toThrow(/defineIncentiveConfig\(\{ services: true \}\)/);
  });
});
