// Wiring only: config, logger, clients, worker, shutdown.
import { createKafka } from '@incentive/kafka';
import { createLogger, createShutdown } from '@incentive/platform';
import { loadConfig } from './config.js';
import { createRedisClient } from './redis/redis-client.js';
import { createRulesWorker } from './worker.js';

const config = loadConfig();
const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY, name: 'rules-engine' });
const shutdown = createShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
shutdown.installSignalHandlers();

const redis = createRedisClient({ url: config.REDIS_URL, name: config.KAFKA_CLIENT_ID });
redis.on('error', (err) => logger.warn({ err: { message: err.message } }, 'redis connection error'));
shutdown.register('redis', async () => {
  await redis.quit().catch(() => redis.disconnect());
});

const kafka = createKafka({
  brokers: config.KAFKA_BROKERS,
  clientId: config.KAFKA_CLIENT_ID,
  logger,
  config: { retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5_000 } },
});
const worker = createRulesWorker({
  config,
  logger,
  kafka,
  redis,
  // kafkajs gave up on the consumer: exit non-zero so the orchestrator restarts the process.
  onFatal: () => void shutdown.shutdown('consumer crashed', 1),
});
shutdown.register('rules-worker', () => worker.stop());

try {
  await worker.start();
} catch (err) {
  logger.fatal({ err }, 'rules worker failed to start');
  await shutdown.shutdown('start failed', 1);
}
