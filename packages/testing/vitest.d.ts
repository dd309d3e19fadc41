import type { UserConfig } from 'vitest/config';

export function defineIncentiveConfig(options?: {
  services?: boolean;
  include?: string[];
  /** Globs of the files that need Kafka/MongoDB/Redis; default: the `*.int.test.ts` twins of `include`. */
  integration?: string[];
  testTimeout?: number;
}): UserConfig;
