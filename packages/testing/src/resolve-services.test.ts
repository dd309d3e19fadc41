import { describe, expect, it } from 'vitest';
import { resolveServices } from './resolve-services.js';

describe('resolveServices', () => {
  it('refuses a partial set of URLs instead of guessing the rest', async () => {
    await expect(
      resolveServices({ env: { KAFKA_BROKERS: '127.0.0.1:9092', REDIS_URL: 'redis://127.0.0.1:6379' }, log: () => undefined }),
    ).rejects.toThrow('KAFKA_BROKERS, REDIS_URL set but MONGO_URL not: set all three or none');
  });
});
