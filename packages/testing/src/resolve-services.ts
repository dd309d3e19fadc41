import { checkServices } from './check-services.js';
import { containerRuntimeHint, probeContainerRuntime, startContainers } from './containers.js';
import { findRepoRoot, startNativeStack } from './native-stack.js';
import type { ServiceUrls } from './services.js';

export interface ResolvedServices {
  urls: ServiceUrls;
  /** Stops what this resolution started (containers); a no-op for env URLs and the native stack. */
  stop(): Promise<void>;
}

export interface ResolveOptions {
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

const ENV_KEYS = ['KAFKA_BROKERS', 'MONGO_URL', 'REDIS_URL'] as const;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Resolution order (issue 2 §4):
 * 1. `KAFKA_BROKERS`, `MONGO_URL`, `REDIS_URL` all set → use them (a partial set is an error, not a hint).
 * 2. a container runtime answers → testcontainers (apache/kafka:4.1.1, mongo:7, redis:7).
 *    `INCENTIVE_TESTCONTAINERS=0` skips this step.
 * 3. the native stack: `bash scripts/stack up`, then `scripts/stack env`.
 * Every source is checked with one real request per service. If nothing works this throws, naming
 * every step and why it failed: integration tests are never skipped, with or without `CI`.
 */
export async function resolveServices({ env, log }: ResolveOptions): Promise<ResolvedServices> {
  const given = ENV_KEYS.filter((k) => env[k]);
  if (given.length === ENV_KEYS.length) {
    const urls: ServiceUrls = { kafkaBrokers: env.KAFKA_BROKERS!, mongoUrl: env.MONGO_URL!, redisUrl: env.REDIS_URL!, source: 'env' };
    try {
      await checkServices(urls);
    } catch (err) {
      throw new Error(`KAFKA_BROKERS/MONGO_URL/REDIS_URL are set but ${message(err)}`, { cause: err });
    }
    return { urls, stop: async () => undefined };
  }
  if (given.length > 0) {
    const missing = ENV_KEYS.filter((k) => !env[k]);
    throw new Error(`${given.join(', ')} set but ${missing.join(', ')} not: set all three or none`);
  }

  const attempts: string[] = [];

  if (env.INCENTIVE_TESTCONTAINERS === '0') {
    attempts.push('testcontainers: disabled by INCENTIVE_TESTCONTAINERS=0');
  } else {
    const hint = containerRuntimeHint(env);
    if (!hint) {
      attempts.push('testcontainers: no container runtime (no DOCKER_HOST, no docker/podman socket)');
    } else {
      let host: string | undefined;
      try {
        host = await probeContainerRuntime();
      } catch (err) {
        attempts.push(`testcontainers: runtime from ${hint} did not answer: ${message(err)}`);
      }
      if (host !== undefined) {
        log(`starting containers via ${hint}`);
        const started = await startContainers(host).catch((err: unknown) => {
          attempts.push(`testcontainers: ${message(err)}`);
          return undefined;
        });
        if (started) {
          try {
            await checkServices(started.urls);
            return { urls: { ...started.urls, source: 'testcontainers' }, stop: started.stop };
          } catch (err) {
            await started.stop();
            attempts.push(`testcontainers: ${message(err)}`);
          }
        }
      }
    }
  }

  for (const attempt of attempts) log(attempt);
  const root = findRepoRoot();
  if (!root) {
    attempts.push('native stack: repository root (pnpm-workspace.yaml) not found');
  } else {
    try {
      log('native stack: scripts/stack status, then up if anything is down');
      const urls = await startNativeStack(root);
      await checkServices(urls);
      return { urls: { ...urls, source: 'native-stack' }, stop: async () => undefined };
    } catch (err) {
      attempts.push(`native stack: ${message(err)} (logs: bash scripts/stack logs)`);
    }
  }

  throw new Error(
    `No Kafka/MongoDB/Redis for integration tests${env.CI ? ' (CI)' : ''}.\n  - ${attempts.join('\n  - ')}\n` +
      'Set KAFKA_BROKERS, MONGO_URL and REDIS_URL, start Docker, or fix the native stack.',
  );
}
