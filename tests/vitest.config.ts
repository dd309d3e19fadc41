import { defineIncentiveConfig } from '@incentive/testing/vitest';

// The end-to-end files at the top level run the whole product (Kafka, Redis, MongoDB and the three
// services as child processes), so they are the integration project. The harness's and the demo's
// own pure logic has unit tests beside it, which need no services.
export default defineIncentiveConfig({
  services: true,
  include: ['harness/**/*.test.ts', 'demo/**/*.test.ts'],
  integration: ['*.test.ts'],
  testTimeout: 240_000,
});
