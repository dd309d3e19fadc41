import { getServices } from '@incentive/testing';
import { createPipeline, type Pipeline, type PipelineOptions } from './pipeline.js';
import { RULES_DIR } from './repo.js';
import { createRunContext, newRunId } from './run-context.js';

/**
 * A pipeline on the services the vitest global setup resolved, isolated by a fresh run id.
 * Service logs stay in memory (a failure message carries the tail) unless E2E_LOG_LEVEL asks for more.
 */
export function e2ePipeline(options: { partitions?: number; extraEnv?: PipelineOptions['extraEnv'] } = {}): Pipeline {
  const urls = getServices();
  const ctx = createRunContext({
    runId: newRunId('e2e'),
    urls: { kafkaBrokers: urls.kafkaBrokers, mongoUrl: urls.mongoUrl, redisUrl: urls.redisUrl },
    rulesDir: RULES_DIR,
  });
  return createPipeline({
    ctx,
    partitions: options.partitions ?? 3,
    logLevel: process.env.E2E_LOG_LEVEL ?? 'warn',
    ...(options.extraEnv ? { extraEnv: options.extraEnv } : {}),
  });
}
