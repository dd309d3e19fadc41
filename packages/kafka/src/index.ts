export { createKafka, memoizedDefaultPartitioner, parseBrokers, pinoLogCreator } from './create-kafka.js';
export type { CreateKafkaOptions } from './create-kafka.js';
export type { KafkaLogger } from './logger.js';
export { ensureTopics } from './ensure-topics.js';
export type { EnsureTopicsOptions, EnsureTopicsResult, TopicAdmin } from './ensure-topics.js';
export { publishDeadLetter, deadLetterHeaders, DEAD_LETTER_HEADERS, MAX_ERROR_MESSAGE_BYTES } from './dead-letter.js';
export type {
  DeadLetterError,
  DeadLetterProducer,
  OriginalRecord,
  PublishDeadLetterInput,
} from './dead-letter.js';
export { TOPICS, topicNames } from './topics.js';
export type { TopicKey, TopicNames } from './topics.js';
export { trackGroupMembership } from './group-membership.js';
export type { GroupMembership, MembershipLogger, TrackGroupMembershipDeps } from './group-membership.js';
