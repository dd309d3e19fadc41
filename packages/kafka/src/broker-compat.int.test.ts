// kafkajs 2.2.4 predates Kafka 4, which removed old protocol versions (KIP-896) and changed the
// transaction protocol (KIP-890). These tests pin down the features the product relies on, so a
// broker upgrade that breaks one of them fails here with a precise name instead of in a service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { createLogger } from '@incentive/platform';
import { createTestTopic, getServices, uniqueGroupId, uniqueId, waitFor } from '@incentive/testing';
import { createKafka } from './create-kafka.js';

describe('kafkajs against the broker', () => {
  const logger = createLogger({ level: 'error', name: 'kafka-compat' });
  const kafka = createKafka({ brokers: getServices().kafkaBrokers, clientId: 'compat-int', logger });
  let admin: Admin;
  const closers: (Producer | Consumer)[] = [];

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await Promise.all(closers.map((c) => c.disconnect()));
    await admin.disconnect();
  });

  it('negotiates protocol versions the broker still serves for admin, produce and group APIs', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.length).toBeGreaterThan(0);
    const topic = await createTestTopic(admin, { partitions: 2 });
    const offsetsBefore = await admin.fetchTopicOffsets(topic);
    expect(offsetsBefore.map((p) => p.high)).toEqual(['0', '0']);
    const configs = await admin.describeConfigs({ resources: [{ type: 2, name: topic }], includeSynonyms: false });
    expect(configs.resources[0]!.configEntries.some((e) => e.configName === 'retention.ms')).toBe(true);
  });

  it('idempotent producer: retried sends do not duplicate', async () => {
    const topic = await createTestTopic(admin);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    closers.push(producer);
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'c-1', value: 'a' }, { key: 'c-1', value: 'b' }] });
    const [p0] = await admin.fetchTopicOffsets(topic);
    expect(p0!.high).toBe('2');
  });

  it('transactions: consume-transform-produce commits output and group offsets together; aborted output stays invisible', async () => {
    const input = await createTestTopic(admin, { prefix: 'tx-in' });
    const output = await createTestTopic(admin, { prefix: 'tx-out' });
    const groupId = uniqueGroupId();

    const plain = kafka.producer();
    const tx = kafka.producer({ transactionalId: uniqueId('tx'), idempotent: true, maxInFlightRequests: 1 });
    closers.push(plain, tx);
    await Promise.all([plain.connect(), tx.connect()]);
    await plain.send({ topic: input, messages: [{ key: 'c-1', value: 'purchase' }] });

    const committed = await tx.transaction();
    await committed.send({ topic: output, messages: [{ key: 'c-1', value: 'reward' }] });
    await committed.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '1' }] }] });
    await committed.commit();

    const aborted = await tx.transaction();
    await aborted.send({ topic: output, messages: [{ key: 'c-1', value: 'aborted-reward' }] });
    await aborted.abort();

    const [offsets] = await admin.fetchOffsets({ groupId, topics: [input] });
    expect(offsets!.partitions).toEqual([{ partition: 0, offset: '1', metadata: null }]);

    // read_committed (kafkajs default) must see the committed reward only. The trailing marker
    // write below proves the consumer has read past the aborted batch before we check.
    await plain.send({ topic: output, messages: [{ key: 'c-1', value: 'marker' }] });
    const consumer = kafka.consumer({ groupId: uniqueGroupId(), maxWaitTimeInMs: 250 });
    closers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: output, fromBeginning: true });
    const values: string[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value!.toString());
      },
    });
    await waitFor(() => values.includes('marker'), { timeoutMs: 60_000, message: 'the marker record' });
    expect(values).toEqual(['reward', 'marker']);
  });
});
