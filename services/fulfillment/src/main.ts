// Wiring only: config, logger, MongoDB, Kafka, worker, shutdown.
import { createKafka } from '@incentive/kafka';
import { createLogger, createShutdown } from '@incentive/platform';
import { loadConfig } from './config.js';
import { connectMongo } from './mongo.js';
import { createFulfillmentWorker } from './worker.js';

const config = loadConfig();
const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY, name: 'fulfillment' });
const shutdown = createShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
shutdown.installSignalHandlers();

try {
  const connection = await connectMongo({
    url: config.MONGO_URL,
    ...(config.MONGO_DB ? { dbName: config.MONGO_DB } : {}),
    serverSelectionTimeoutMS: config.MONGO_SERVER_SELECTION_TIMEOUT_MS,
    appName: config.KAFKA_CLIENT_ID,
  });
  shutdown.register('mongo', () => connection.close());
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID,
    logger,
    config: { retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5_000 } },
  });
  const worker = createFulfillmentWorker({ config, logger, kafka, connection });
  shutdown.register('fulfillment-worker', () => worker.stop());
  await worker.start();
} catch (err) {
  logger.fatal({ err }, 'fulfillment worker failed to start');
  await shutdown.shutdown('start failed', 1);
}
