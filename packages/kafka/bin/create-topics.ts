// Creates the product topics (idempotent). Run through scripts/create-topics.ts by `bash scripts/stack topics`.
//
//   KAFKA_BROKERS           host:port list                       (default 127.0.0.1:9092)
//   INCENTIVE_PARTITIONS    partitions per new topic, keyed by customer id (default 6)
//   INCENTIVE_TOPIC_PREFIX  prefix for every topic name, e.g. `staging.` (default none)
//   INCENTIVE_REPLICATION   replication factor of new topics    (default 1, single-node stacks)
//   LOG_LEVEL               pino level                            (default info)
//
// Existing topics are never changed: adding partitions would move customers to other partitions.
import { createLogger } from '@incentive/platform';
import { createKafka, ensureTopics, topicNames } from '@incentive/kafka';

function positiveInt(name: string, raw: string | undefined, def: number): number {
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected an integer >= 1, got "${raw}"`);
  return n;
}

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const partitions = positiveInt('INCENTIVE_PARTITIONS', env.INCENTIVE_PARTITIONS, 6);
  const replicationFactor = positiveInt('INCENTIVE_REPLICATION', env.INCENTIVE_REPLICATION, 1);
  const topics = Object.values(topicNames(env.INCENTIVE_TOPIC_PREFIX ?? ''));
  const logger = createLogger({ level: env.LOG_LEVEL ?? 'info', name: 'create-topics' });
  const admin = createKafka({ brokers: env.KAFKA_BROKERS ?? '127.0.0.1:9092', clientId: 'incentive-create-topics', logger }).admin();
  await admin.connect();
  try {
    const { created, existing } = await ensureTopics(admin, topics, { partitions, replicationFactor });
    for (const topic of created) logger.info({ topic, partitions }, 'topic created');
    for (const { topic, partitions: actual } of existing) {
      if (actual !== partitions) logger.warn({ topic, partitions: actual, wanted: partitions }, 'topic exists with another partition count; left unchanged');
      else logger.debug({ topic, partitions: actual }, 'topic exists');
    }
    logger.info({ created: created.length, existing: existing.length }, 'topics ready');
  } finally {
    await admin.disconnect();
  }
}

main(process.env).catch((err: unknown) => {
  process.stderr.write(`create-topics: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
