import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { createLogger } from '@incentive/platform';
import { getServices, uniqueId } from '@incentive/testing';
import { createKafka } from './create-kafka.js';
import { ensureTopics } from './ensure-topics.js';
import { topicNames } from './topics.js';

describe('ensureTopics (real broker)', () => {
  let admin: Admin;
  beforeAll(async () => {
    const logger = createLogger({ level: 'warn', name: 'kafka-int' });
    admin = createKafka({ brokers: getServices().kafkaBrokers, clientId: 'ensure-topics-int', logger }).admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  it('creates missing topics with the requested partitions, then is a no-op', async () => {
    const names = Object.values(topicNames(`${uniqueId('ens')}.`));

    const first = await ensureTopics(admin, names, { partitions: 3 });
    expect(first.created.sort()).toEqual([...names].sort());
    expect(first.existing).toEqual([]);
    const meta = await admin.fetchTopicMetadata({ topics: names });
    expect(meta.topics.map((t) => t.partitions.length)).toEqual(names.map(() => 3));

    // Second run asks for 6: nothing is created and existing topics keep their 3 partitions
    // (re-partitioning would move customers between partitions).
    const second = await ensureTopics(admin, names, { partitions: 6 });
    expect(second.created).toEqual([]);
    expect(second.existing.sort((a, b) => a.topic.localeCompare(b.topic))).toEqual(
      [...names].sort().map((topic) => ({ topic, partitions: 3 })),
    );
  });

  it('creates only what is missing when some topics already exist', async () => {
    const prefix = uniqueId('part');
    const [a, b] = [`${prefix}.a`, `${prefix}.b`];
    await ensureTopics(admin, [a], { partitions: 1 });
    const result = await ensureTopics(admin, [a, b, b], { partitions: 2 });
    expect(result.created).toEqual([b]);
    expect(result.existing).toEqual([{ topic: a, partitions: 1 }]);
  });

  it('survives concurrent callers creating the same topics', async () => {
    const names = [uniqueId('race'), uniqueId('race')];
    const results = await Promise.all([1, 2, 3].map(() => ensureTopics(admin, names, { partitions: 2 })));
    for (const r of results) expect([...r.created, ...r.existing.map((e) => e.topic)].sort()).toEqual([...names].sort());
    const meta = await admin.fetchTopicMetadata({ topics: names });
    expect(meta.topics.map((t) => t.partitions.length)).toEqual([2, 2]);
  });

  it('refuses a partition count that is not a positive integer', async () => {
    await expect(ensureTopics(admin, ['never-created'], { partitions: 0 })).rejects.toThrow(
      'partitions: expected an integer >= 1, got 0',
    );
  });
});
