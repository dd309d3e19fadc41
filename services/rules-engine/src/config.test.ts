import { describe, expect, it } from 'vitest';
import { ConfigError } from '@incentive/platform';
import { readFileSync } from 'node:fs';
import { configSchema, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies defaults (7-day dedupe window) and parses lists and numbers', () => {
    const c = loadConfig({ KAFKA_BROKERS: 'a:9092, b:9092', REDIS_URL: 'redis://localhost:6379', CHUNK_SIZE: '64' });
    expect(c.KAFKA_BROKERS).toEqual(['a:9092', 'b:9092']);
    expect(c.DEDUPE_WINDOW_MS).toBe(7 * 86_400_000);
    expect(c.CHUNK_SIZE).toBe(64);
    expect(c.RULES_WATCH).toBe(true);
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ REDIS_URL: 'not a url', CHUNK_SIZE: '0', REDIS_KEY_PREFIX: 'x{y}' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const vars = (error as ConfigError).issues.map((i) => i.variable).sort();
    expect(vars).toEqual(['CHUNK_SIZE', 'KAFKA_BROKERS', 'REDIS_KEY_PREFIX', 'REDIS_URL']);
  });

  it('.env.example lists exactly the variables of the schema', () => {
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const listed = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(Object.keys(configSchema.shape).sort());
  });
});
