// Shared vitest preset. Plain JS so vitest can load it from any package's vitest.config.ts without
// a build step. Tests resolve workspace packages to their TypeScript sources via the `source`
// export condition.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const conditions = ['source', 'module', 'node', 'development|production'];
const globalSetup = fileURLToPath(new URL('./src/global-setup.ts', import.meta.url));

/** `src/**\/*.test.ts` → `src/**\/*.int.test.ts`: the integration twin of a unit glob. */
function integrationGlob(glob) {
  return glob.endsWith('.test.ts') && !glob.endsWith('.int.test.ts') ? glob.replace(/\.test\.ts$/, '.int.test.ts') : glob;
}

/**
 * @param {{ services?: boolean, include?: string[], integration?: string[], testTimeout?: number }} [options]
 *   services: split the tests into two vitest projects. `unit` (everything but the integration
 *     files, no services) and `integration` (files matching `integration`, default the `*.int.test.ts`
 *     twins of `include`), which runs the global setup resolving Kafka, MongoDB-API and Redis.
 *     vitest runs a project's global setup only when that project has files to run, so
 *     `vitest run --project unit` or `--exclude "**\/*.int.test.ts"` needs no services at all.
 *   integration: globs of the files that need services (e.g. `['**\/*.test.ts']` for an e2e package).
 */
export function defineIncentiveConfig(options = {}) {
  const services = options.services ?? false;
  const include = options.include ?? ['src/**/*.test.ts', 'test/**/*.test.ts'];
  const base = {
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['source'] } },
  };
  if (!services) {
    return defineConfig({ ...base, test: { include, testTimeout: options.testTimeout ?? 20_000, hookTimeout: 20_000 } });
  }
  const integration = options.integration ?? include.map(integrationGlob);
  return defineConfig({
    ...base,
    test: {
      projects: [
        {
          extends: true,
          test: {
            name: 'unit',
            include,
            exclude: ['**/node_modules/**', '**/dist/**', ...integration],
            testTimeout: options.testTimeout ?? 20_000,
            hookTimeout: 20_000,
          },
        },
        {
          extends: true,
          test: {
            name: 'integration',
            include: integration,
            exclude: ['**/node_modules/**', '**/dist/**'],
            globalSetup: [globalSetup],
            testTimeout: options.testTimeout ?? 120_000,
            hookTimeout: 180_000,
            // Integration files share one broker; running them one at a time keeps a 2-core box stable.
            fileParallelism: false,
          },
        },
      ],
    },
  });
}
