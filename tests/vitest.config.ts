import { defineIncentiveConfig } from '@incentive/testing/vitest';

// Every file here runs the whole product (Kafka, Redis, MongoDB and the three services as child
// processes), so they all belong to the integration project.
export default defineIncentiveConfig({
  services: true,
  include: ['*.test.ts'],
  integration: ['*.test.ts'],
  testTimeout: 240_000,
});
