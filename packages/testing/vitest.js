// Shared vitest preset. Plain JS so vitest can load it from any package's vitest.config.ts without
// a build step. Tests resolve workspace packages to their TypeScript sources via the `source`
// export condition.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const conditions = ['source', 'module', 'node', 'development|production'];

/**
 * @param {{ services?: boolean, include?: string[], testTimeout?: number }} [options]
 *   services: run the global setup that resolves Kafka, MongoDB-API and Redis for `*.int.test.ts`.
 */
export function defineIncentiveConfig(options = {}) {
  const services = options.services ?? false;
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['source'] } },
    test: {
      include: options.include ?? ['src/**/*.test.ts', 'test/**/*.test.ts'],
      globalSetup: services ? [fileURLToPath(new URL('./src/global-setup.ts', import.meta.url))] : [],
      testTimeout: options.testTimeout ?? (services ? 120_000 : 20_000),
      hookTimeout: services ? 180_000 : 20_000,
      // Integration files share one broker; running them one at a time keeps a 2-core box stable.
      fileParallelism: !services,
    },
  });
}
