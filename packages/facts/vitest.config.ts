import { defineIncentiveConfig } from '@incentive/testing/vitest';

export default defineIncentiveConfig({ services: false });
