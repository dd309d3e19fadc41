import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger } from '@incentive/platform';
import { createKafka, parseBrokers, pinoLogCreator } from './create-kafka.js';

function capture(level = 'info'): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ level, name: 'kafka-test', destination });
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('parseBrokers', () => {
  it('accepts a comma-separated list or an array', () => {
    expect(parseBrokers('a:9092, b:9093')).toEqual(['a:9092', 'b:9093']);
    expect(parseBrokers(['127.0.0.1:9092'])).toEqual(['127.0.0.1:9092']);
  });

  it('names the broker that is not host:port', () => {
    expect(() => parseBrokers('localhost')).toThrow('brokers: "localhost" is not host:port');
    expect(() => parseBrokers(' , ')).toThrow('brokers: expected at least one host:port');
  });
});

describe('createKafka', () => {
  it('creates producers without the kafkajs partitioner warning', () => {
    const { logger, lines } = capture();
    createKafka({ brokers: '127.0.0.1:1', clientId: 'test', logger }).producer();
    expect(lines().filter((l) => String(l.msg).includes('partitioner'))).toEqual([]);
  });

  it('routes kafkajs logs into pino with the namespace as a field', () => {
    const { logger, lines } = capture();
    // A bare kafkajs producer does warn about the partitioner: the bridge must carry it.
    new Kafka({ brokers: ['127.0.0.1:1'], clientId: 'test', logCreator: pinoLogCreator(logger) }).producer();
    const warning = lines().find((l) => String(l.msg).includes('partitioner'));
    expect(warning).toMatchObject({ level: 40, component: 'kafkajs', service: 'kafka-test' });
  });

  it('maps kafkajs levels to pino levels and keeps the fields but not the kafkajs timestamp', () => {
    const { logger, lines } = capture('debug');
    const log = pinoLogCreator(logger)(logLevel.DEBUG);
    const entry = (level: logLevel, message: string) => ({
      namespace: 'Consumer',
      level,
      label: logLevel[level],
      log: { timestamp: '2026-01-01T00:00:00.000Z', message, groupId: 'g-1' },
    });
    log(entry(logLevel.ERROR, 'Crash'));
    log(entry(logLevel.WARN, 'Slow'));
    log(entry(logLevel.INFO, 'Started'));
    log(entry(logLevel.DEBUG, 'Fetch'));
    expect(lines().map((l) => [l.level, l.msg, l.namespace, l.groupId])).toEqual([
      [50, 'Crash', 'Consumer', 'g-1'],
      [40, 'Slow', 'Consumer', 'g-1'],
      [30, 'Started', 'Consumer', 'g-1'],
      [20, 'Fetch', 'Consumer', 'g-1'],
    ]);
    expect(lines()[0]).not.toHaveProperty('timestamp');
  });
});

describe('memoizedDefaultPartitioner', () => {
  it('gives the default partitioner’s answer for every key, and follows a partition count change', async () => {
    const { Partitioners } = await import('kafkajs');
    const { memoizedDefaultPartitioner } = await import('./create-kafka.js');
    const meta = (n: number) => Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
    const memo = memoizedDefaultPartitioner();
    const base = Partitioners.DefaultPartitioner();
    for (const n of [6, 12]) {
      for (let i = 0; i < 500; i++) {
        const message = { key: `cust-${i % 97}`, value: 'x' };
        expect(memo({ topic: 't', partitionMetadata: meta(n), message })).toBe(base({ topic: 't', partitionMetadata: meta(n), message }));
      }
    }
    // Explicit partitions win; buffer keys go to the default partitioner.
    expect(memo({ topic: 't', partitionMetadata: meta(6), message: { key: 'a', value: 'x', partition: 4 } })).toBe(4);
    const buf = { key: Buffer.from('cust-1'), value: 'x' };
    expect(memo({ topic: 't', partitionMetadata: meta(6), message: buf })).toBe(base({ topic: 't', partitionMetadata: meta(6), message: buf }));
  });
});
