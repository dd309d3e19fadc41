import { defineIncentiveConfig } from '@incentive/testing/vitest';

export default defineIncentiveConfig({ services: true });
