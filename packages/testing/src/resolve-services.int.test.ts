import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { resolveServices } from './resolve-services.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('resolveServices with explicit URLs', () => {
  it('fails loudly, naming every service that did not answer', async () => {
    const [k, m, r] = [await closedPort(), await closedPort(), await closedPort()];
    const env = {
      CI: 'true',
      KAFKA_BROKERS: `127.0.0.1:${k}`,
      MONGO_URL: `mongodb://127.0.0.1:${m}/`,
      REDIS_URL: `redis://127.0.0.1:${r}`,
    };
    const err = await resolveServices({ env, log: () => undefined }).then(
      () => new Error('resolved unexpectedly'),
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain('KAFKA_BROKERS/MONGO_URL/REDIS_URL are set but services did not answer');
    expect(err.message).toContain(`Kafka (127.0.0.1:${k})`);
    expect(err.message).toContain(`MongoDB (mongodb://127.0.0.1:${m}/)`);
    expect(err.message).toContain(`Redis (redis://127.0.0.1:${r})`);
  });

  it('accepts URLs that answer (the ones this run resolved)', async () => {
    const env = { KAFKA_BROKERS: process.env.KAFKA_BROKERS, MONGO_URL: process.env.MONGO_URL, REDIS_URL: process.env.REDIS_URL };
    const resolved = await resolveServices({ env, log: () => undefined });
    expect(resolved.urls).toEqual({ kafkaBrokers: env.KAFKA_BROKERS, mongoUrl: env.MONGO_URL, redisUrl: env.REDIS_URL, source: 'env' });
    await resolved.stop();
  });
});
