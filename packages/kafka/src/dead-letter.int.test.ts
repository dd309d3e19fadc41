import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Consumer, KafkaMessage, Producer } from 'kafkajs';
import { createLogger } from '@incentive/platform';
import { createTestTopic, getServices, uniqueGroupId, waitFor } from '@incentive/testing';
import { createKafka } from './create-kafka.js';
import { DEAD_LETTER_HEADERS, publishDeadLetter } from './dead-letter.js';

describe('publishDeadLetter (real broker)', () => {
  const logger = createLogger({ level: 'warn', name: 'kafka-int' });
  const kafka = createKafka({ brokers: getServices().kafkaBrokers, clientId: 'dead-letter-int', logger });
  let admin: Admin;
  let producer: Producer;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await Promise.all([producer.disconnect(), admin.disconnect()]);
  });

  async function consumeAll(topic: string, count: number): Promise<(KafkaMessage & { partition: number })[]> {
    const consumer = kafka.consumer({ groupId: uniqueGroupId(), maxWaitTimeInMs: 250 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: (KafkaMessage & { partition: number })[] = [];
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        seen.push({ ...message, partition });
      },
    });
    await waitFor(() => seen.length >= count, { timeoutMs: 60_000, message: `${count} message(s) on ${topic}` });
    return seen;
  }

  it('forwards the consumed record byte-for-byte with origin and reason headers', async () => {
    const source = await createTestTopic(admin, { partitions: 3, prefix: 'dlq-src' });
    const dlq = await createTestTopic(admin, { partitions: 3, prefix: 'dlq' });
    // Not valid UTF-8 and not JSON: exactly the kind of record that ends up in a dead-letter topic.
    const value = Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22]);
    await producer.send({ topic: source, messages: [{ key: 'c-77', value, headers: { traceparent: '00-trace-01' } }] });
    const [original] = await consumeAll(source, 1);

    await publishDeadLetter(producer, {
      topic: dlq,
      original: {
        topic: source,
        partition: original!.partition,
        offset: original!.offset,
        key: original!.key,
        value: original!.value,
        headers: original!.headers,
      },
      error: { code: 'invalid_json', message: 'Unexpected token at byte 0' },
    });

    const [dead] = await consumeAll(dlq, 1);
    expect(dead!.key!.toString()).toBe('c-77');
    expect(Buffer.compare(dead!.value!, value)).toBe(0);
    // Same key, same partitioner, same partition count: the customer lands on the same partition.
    expect(dead!.partition).toBe(original!.partition);
    const headers = Object.fromEntries(Object.entries(dead!.headers ?? {}).map(([k, v]) => [k, v?.toString()]));
    expect(headers).toEqual({
      traceparent: '00-trace-01',
      [DEAD_LETTER_HEADERS.originTopic]: source,
      [DEAD_LETTER_HEADERS.originPartition]: String(original!.partition),
      [DEAD_LETTER_HEADERS.originOffset]: original!.offset,
      [DEAD_LETTER_HEADERS.errorCode]: 'invalid_json',
      [DEAD_LETTER_HEADERS.errorMessage]: 'Unexpected token at byte 0',
    });
  });

  it('dead-letters a tombstone (null value) without inventing a body', async () => {
    const dlq = await createTestTopic(admin, { prefix: 'dlq-null' });
    await publishDeadLetter(producer, {
      topic: dlq,
      original: { topic: 'incentive.events', partition: 0, offset: '9', key: 'c-1', value: null },
      error: { code: 'schema', message: 'value: required' },
    });
    const [dead] = await consumeAll(dlq, 1);
    expect(dead!.value).toBeNull();
    expect(dead!.headers?.[DEAD_LETTER_HEADERS.errorCode]?.toString()).toBe('schema');
  });
});
