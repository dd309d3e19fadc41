import type { Consumer, Kafka } from 'kafkajs';
import { parseRewardJson, type Reward } from '@incentive/events';

export interface RewardCollector {
  /** Distinct rewards seen, by rewardId (a redelivered reward is counted once, its copies in `duplicates`). */
  readonly rewards: Map<string, Reward>;
  duplicates(): number;
  invalid(): number;
  stop(): Promise<void>;
}

/**
 * Reads the rewards topic from the beginning in its own consumer group: what the rules worker
 * emitted, independent of what fulfillment made of it.
 */
export async function collectRewards(kafka: Kafka, topic: string, groupId: string): Promise<RewardCollector> {
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const rewards = new Map<string, Reward>();
  let duplicates = 0;
  let invalid = 0;
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (const m of batch.messages) {
        const parsed = parseRewardJson(m.value ?? '');
        if (!parsed.ok) invalid++;
        else if (rewards.has(parsed.value.rewardId)) duplicates++;
        else rewards.set(parsed.value.rewardId, parsed.value);
        resolveOffset(m.offset);
      }
      await heartbeat();
    },
  });
  return {
    rewards,
    duplicates: () => duplicates,
    invalid: () => invalid,
    stop: async () => {
      await consumer.disconnect();
    },
  };
}
