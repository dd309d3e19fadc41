import type { UserConfig } from 'vitest/config';

export function defineIncentiveConfig(options?: { services?: boolean; include?: string[]; testTimeout?: number }): UserConfig;
