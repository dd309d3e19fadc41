import { describe, expect, it } from 'vitest';
import { createLogger } from '@incentive/platform';
import { createTestTopic, getServices, uniqueGroupId, useCleanups, waitFor } from '@incentive/testing';
import { createKafka } from './create-kafka.js';
import { trackGroupMembership } from './group-membership.js';

const cleanups = useCleanups();

describe('trackGroupMembership (real broker)', () => {
  it('follows a consumer through join, activity, a second member joining, and stop', async () => {
    const logger = createLogger({ level: 'warn', name: 'membership-int' });
    const kafka = createKafka({ brokers: getServices().kafkaBrokers, clientId: 'membership-int', logger });
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const topic = await createTestTopic(admin, { partitions: 2, prefix: 'membership' });
    const groupId = uniqueGroupId();

    const first = kafka.consumer({ groupId, heartbeatInterval: 200, maxWaitTimeInMs: 100 });
    let joinsSeen = 0;
    const { membership } = trackGroupMembership(first, { log: logger, onJoin: () => joinsSeen++ });
    expect(membership).toMatchObject({ joined: false, crashed: false, joins: 0 });
    await first.connect();
    cleanups.push(() => first.disconnect());
    await first.subscribe({ topic, fromBeginning: true });
    await first.run({ eachMessage: async () => {} });
    await waitFor(() => membership.joined, { timeoutMs: 30_000, message: 'first member joined' });
    expect(membership.joins).toBe(1);
    expect(joinsSeen).toBe(1);

    // Heartbeats and fetches move the activity time on.
    const seen = membership.lastActivityMs;
    await waitFor(() => membership.lastActivityMs > seen, { timeoutMs: 10_000, message: 'activity after joining' });

    // A second member makes the group rebalance: the first one joins again.
    const second = kafka.consumer({ groupId, heartbeatInterval: 200, maxWaitTimeInMs: 100 });
    await second.connect();
    cleanups.push(() => second.disconnect());
    await second.subscribe({ topic, fromBeginning: true });
    await second.run({ eachMessage: async () => {} });
    await waitFor(() => membership.joins >= 2 && membership.joined, { timeoutMs: 30_000, message: 'first member rejoined after the rebalance' });
    expect(joinsSeen).toBe(membership.joins);

    await first.stop();
    expect(membership.joined).toBe(false);
    expect(membership.crashed).toBe(false);
  });
});
