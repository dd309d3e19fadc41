export { uniqueId, uniqueGroupId, redisKeyPrefix, uniqueMongoDbName, createTestTopic, getServices } from './isolation.js';
export type { CreateTestTopicOptions } from './isolation.js';
export { waitFor } from './wait-for.js';
export type { WaitForOptions } from './wait-for.js';
export type { ServiceUrls } from './services.js';
export { checkServices } from './check-services.js';
export { deleteRedisKeys } from './delete-redis-keys.js';
export { useCleanups } from './use-cleanups.js';
export type { Cleanups } from './use-cleanups.js';
