// Wiring only: config, logger, clients, scheduler service, shutdown.
import { Redis } from 'ioredis';
import { createKafka } from '@incentive/kafka';
import { createLogger, createShutdown } from '@incentive/platform';
import { loadConfig } from './config.js';
import { createSchedulerService } from './service.js';

const config = loadConfig();
const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY, name: 'scheduler' });
const shutdown = createShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
shutdown.installSignalHandlers();

const redis = new Redis(config.REDIS_URL, { connectionName: config.KAFKA_CLIENT_ID, lazyConnect: true, maxRetriesPerRequest: 2 });
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
const service = createSchedulerService({ config, logger, kafka, redis });
shutdown.register('scheduler', () => service.stop());

try {
  await service.start();
} catch (err) {
  logger.fatal({ err }, 'scheduler failed to start');
  await shutdown.shutdown('start failed', 1);
}
