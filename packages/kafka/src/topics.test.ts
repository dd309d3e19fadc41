import { describe, expect, it } from 'vitest';
import { TOPICS, topicNames } from './topics.js';

describe('topicNames', () => {
  it('returns the product topics unchanged without a prefix', () => {
    expect(topicNames()).toEqual(TOPICS);
    expect(Object.values(TOPICS).sort()).toEqual([
      'incentive.events',
      'incentive.events.dlq',
      'incentive.notifications',
      'incentive.rewards',
      'incentive.rewards.dlq',
    ]);
  });

  it('prefixes every topic', () => {
    expect(topicNames('staging.').eventsDlq).toBe('staging.incentive.events.dlq');
  });

  it('refuses a prefix Kafka would reject', () => {
    expect(() => topicNames('a b')).toThrow(/topic prefix: "a b"/);
  });
});
