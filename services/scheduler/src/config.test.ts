import { describe, expect, it } from 'vitest';
import { ConfigError } from '@incentive/platform';
import { readFileSync } from 'node:fs';
import { configSchema, loadConfig } from './config.js';

const base = { KAFKA_BROKERS: 'localhost:9092', REDIS_URL: 'redis://localhost:6379' };

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig(base);
    expect(c.KAFKA_BROKERS).toEqual(['localhost:9092']);
    expect(c.SCHEDULER_CLOCK).toBe('system');
    expect(c.LEADERBOARD_TOP_N).toBe(10);
    expect(c.KAFKA_TRANSACTIONAL_ID).toBe('incentive-scheduler-clock');
    expect(c.POINTS_EXPIRY_NOTICE_DAYS).toBe(14);
    expect(c.KAFKA_REWARDS_INDEX_GROUP_ID).toBeUndefined();
  });

  it('names every bad variable and the reason', () => {
    let error: unknown;
    try {
      loadConfig({ ...base, SCHEDULER_CLOCK: 'manual', SCHEDULER_FIRST_TICK: '2026/01/01', REDIS_KEY_PREFIX: 'a{b}', POLL_MS: '10000' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('SCHEDULER_CLOCK_START: is required when SCHEDULER_CLOCK=manual');
    expect(message).toContain('SCHEDULER_FIRST_TICK: must be YYYY-MM-DD');
    expect(message).toContain('REDIS_KEY_PREFIX: must not contain');
    expect(message).toContain('POLL_MS: must be at most a third of LEASE_TTL_MS');
  });

  it('accepts a manual clock with a start instant', () => {
    const c = loadConfig({ ...base, SCHEDULER_CLOCK: 'manual', SCHEDULER_CLOCK_START: '2010-12-01T00:00:00Z' });
    expect(c.SCHEDULER_CLOCK_START).toBe('2010-12-01T00:00:00Z');
  });
});

describe('.env.example', () => {
  it('lists exactly the schema variables and loads as is', () => {
    const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const env: Record<string, string> = {};
    for (const line of text.split('\n')) {
      const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
      if (m) env[m[1]!] = m[2]!;
    }
    expect(Object.keys(env).sort()).toEqual(Object.keys(configSchema.shape).sort());
    expect(loadConfig(env).SCHEDULER_CLOCK_START).toBeUndefined();
  });
});
