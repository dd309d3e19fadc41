import { describe, expect, it } from 'vitest';
import { ConfigError } from '@incentive/platform';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies defaults with only the required variables', () => {
    const cfg = loadConfig({ KAFKA_BROKERS: 'k:9092', MONGO_URL: 'mongodb://m:27017/incentive' });
    expect(cfg).toMatchObject({ KAFKA_BROKERS: ['k:9092'], KAFKA_GROUP_ID: 'incentive-fulfillment', MONGO_WRITE_BATCH: 50, CHUNK_SIZE: 5000 });
  });

  it('names every bad variable and why', () => {
    let caught: unknown;
    try {
      loadConfig({ MONGO_URL: 'postgres://x', MONGO_WRITE_BATCH: '100', HTTP_PORT: 'http' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const vars = (caught as ConfigError).issues.map((i) => i.variable).sort();
    expect(vars).toEqual(['HTTP_PORT', 'KAFKA_BROKERS', 'MONGO_URL', 'MONGO_WRITE_BATCH']);
    expect((caught as ConfigError).message).toMatch(/MONGO_URL: must start with mongodb:\/\//);
  });
});
