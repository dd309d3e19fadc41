// Smoke test of the three adapters against the real services resolved by the global setup
// (env URLs, testcontainers or the native stack): no mocks anywhere.
import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Consumer, Producer } from 'kafkajs';
import mongoose from 'mongoose';
import { Redis } from 'ioredis';
import { createTestTopic, getServices, redisKeyPrefix, uniqueGroupId, uniqueMongoDbName, waitFor } from './index.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('stack smoke', () => {
  it('hands the same URLs to tests through inject and through process.env', () => {
    const services = getServices();
    expect(['env', 'testcontainers', 'native-stack']).toContain(services.source);
    expect(process.env.KAFKA_BROKERS).toBe(services.kafkaBrokers);
    expect(process.env.MONGO_URL).toBe(services.mongoUrl);
    expect(process.env.REDIS_URL).toBe(services.redisUrl);
  });

  it('kafka: produces keyed messages and consumes them through a consumer group', async () => {
    const { kafkaBrokers } = getServices();
    const kafka = new Kafka({ brokers: kafkaBrokers.split(','), clientId: 'smoke', logLevel: logLevel.WARN });
    const topic = await createTestTopic(kafkaBrokers, { partitions: 3 });
    const groupId = uniqueGroupId();

    const producer: Producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    // Short fetch wait: disconnect waits for the in-flight fetch, and tests should not idle on it.
    const consumer: Consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
    cleanups.push(() => producer.disconnect(), () => consumer.disconnect());
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });

    const received: { key: string; value: string; partition: number }[] = [];
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        received.push({ key: message.key!.toString(), value: message.value!.toString(), partition });
      },
    });

    const sent = ['c-1', 'c-2', 'c-3', 'c-1'].map((key, i) => ({ key, value: JSON.stringify({ i, key }) }));
    await producer.send({ topic, messages: sent });

    await waitFor(() => received.length >= sent.length, { timeoutMs: 60_000, message: `${sent.length} messages on ${topic}` });
    expect(received.map((m) => m.value).sort()).toEqual(sent.map((m) => m.value).sort());
    // Same key, same partition: per-customer ordering rests on this.
    const partitionsOfC1 = new Set(received.filter((m) => m.key === 'c-1').map((m) => m.partition));
    expect(partitionsOfC1.size).toBe(1);
    // Committed offsets prove the group really consumed (not just fetched) every message.
    const admin = kafka.admin();
    cleanups.push(() => admin.disconnect());
    await admin.connect();
    const committed = await waitFor(
      async () => {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const total = offsets!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
        return total === sent.length ? total : undefined;
      },
      { timeoutMs: 30_000, message: `group ${groupId} to commit ${sent.length} offsets` },
    );
    expect(committed).toBe(sent.length);
  });

  it('mongoose: writes and reads a document, and a unique index rejects a duplicate with code 11000', async () => {
    const { mongoUrl } = getServices();
    const conn = mongoose.createConnection(mongoUrl, { dbName: uniqueMongoDbName('smoke') });
    cleanups.push(async () => {
      await conn.dropDatabase().catch(() => undefined);
      await conn.close();
    });
    await conn.asPromise();
    const Coupon = conn.model(
      'Coupon',
      new mongoose.Schema({
        code: { type: String, required: true, unique: true },
        customerId: { type: String, required: true },
        percentOff: Number,
      }),
    );
    // Build the unique index before inserting: autoIndex runs in the background and a duplicate
    // inserted before it exists would be accepted.
    await Coupon.init();
    const indexes = await Coupon.collection.indexes();
    expect(indexes.some((ix) => ix.key.code === 1 && ix.unique === true)).toBe(true);

    await Coupon.create({ code: 'WELCOME-10', customerId: 'c-1', percentOff: 10 });
    const found = await Coupon.findOne({ code: 'WELCOME-10' }).lean();
    expect(found).toMatchObject({ code: 'WELCOME-10', customerId: 'c-1', percentOff: 10 });

    const duplicate = await Coupon.create({ code: 'WELCOME-10', customerId: 'c-2' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(duplicate).toMatchObject({ code: 11000 });
    expect(await Coupon.countDocuments({ code: 'WELCOME-10' })).toBe(1);
  });

  it('ioredis: runs a Lua script atomically on keys that share a hash tag', async () => {
    const { redisUrl } = getServices();
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 }) as Redis & {
      reserve(balanceKey: string, logKey: string, amount: number, cap: number): Promise<[number, number]>;
    };
    cleanups.push(() => redis.quit());
    // Reserve `amount` against a cap; refuse (0) once the cap would be exceeded. Both keys carry the
    // same hash tag so the script touches one slot, as the product's limit scripts do.
    redis.defineCommand('reserve', {
      numberOfKeys: 2,
      lua: `
        local used = tonumber(redis.call('GET', KEYS[1]) or '0')
        local amount = tonumber(ARGV[1])
        if used + amount > tonumber(ARGV[2]) then return {0, used} end
        used = redis.call('INCRBY', KEYS[1], amount)
        redis.call('RPUSH', KEYS[2], amount)
        return {1, used}
      `,
    });
    const prefix = redisKeyPrefix();
    const balance = `${prefix}inc:{c:42}:budget`;
    const log = `${prefix}inc:{c:42}:budget-log`;
    cleanups.push(() => redis.del(balance, log));

    expect(await redis.reserve(balance, log, 40, 100)).toEqual([1, 40]);
    expect(await redis.reserve(balance, log, 50, 100)).toEqual([1, 90]);
    expect(await redis.reserve(balance, log, 20, 100)).toEqual([0, 90]);
    expect(await redis.lrange(log, 0, -1)).toEqual(['40', '50']);
    expect(await redis.eval('return redis.call("GET", KEYS[1])', 1, balance)).toBe('90');
  });
});
