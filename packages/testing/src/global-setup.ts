// vitest globalSetup (referenced by `defineIncentiveConfig({ services: true })`). Runs once per
// vitest process, before any worker starts.
import type { TestProject } from 'vitest/node';
import { resolveServices } from './resolve-services.js';
import './services.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string): void => {
    process.stderr.write(`[incentive/testing] ${line}\n`);
  };
  const resolved = await resolveServices({ env: process.env, log });
  const { urls } = resolved;
  log(`services from ${urls.source}: kafka ${urls.kafkaBrokers}, mongo ${urls.mongoUrl}, redis ${urls.redisUrl}`);
  // Two channels on purpose: `inject('incentiveServices')` (getServices()) for test code, and the
  // plain env variables for code under test that reads its config from the environment. Workers
  // are spawned after this setup and inherit process.env.
  process.env.KAFKA_BROKERS = urls.kafkaBrokers;
  process.env.MONGO_URL = urls.mongoUrl;
  process.env.REDIS_URL = urls.redisUrl;
  project.provide('incentiveServices', urls);
  return async () => {
    await resolved.stop();
  };
}
