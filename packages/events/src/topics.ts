/** Default topic names; services may prefix them (tests do) but keep these suffixes. */
export const TOPICS = {
  events: 'incentive.events',
  rewards: 'incentive.rewards',
  eventsDlq: 'incentive.events.dlq',
  rewardsDlq: 'incentive.rewards.dlq',
  notifications: 'incentive.notifications',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** Headers on every dead-letter record (written by @incentive/kafka's publishDeadLetter). */
export const DLQ_HEADERS = {
  originTopic: 'x-origin-topic',
  originPartition: 'x-origin-partition',
  originOffset: 'x-origin-offset',
  errorCode: 'x-error-code',
  errorMessage: 'x-error-message',
} as const;
