import { Kafka, Partitioners, logLevel, type ICustomPartitioner } from 'kafkajs';
import type { KafkaConfig, LogEntry, ProducerConfig, Producer, logCreator } from 'kafkajs';
import type { KafkaLogger } from './logger.js';

export interface CreateKafkaOptions {
  /** `host:port` list, or a comma-separated string as found in `KAFKA_BROKERS`. */
  brokers: string | readonly string[];
  clientId: string;
  logger: KafkaLogger;
  /** Extra kafkajs settings (retry, timeouts). `brokers`, `clientId` and `logCreator` are owned here. */
  config?: Omit<KafkaConfig, 'brokers' | 'clientId' | 'logCreator' | 'logLevel'>;
}

export function parseBrokers(brokers: string | readonly string[]): string[] {
  const list = (typeof brokers === 'string' ? brokers.split(',') : [...brokers]).map((b) => b.trim()).filter(Boolean);
  if (list.length === 0) throw new Error('brokers: expected at least one host:port');
  for (const b of list) {
    if (!/^[^\s:]+:\d{1,5}$/.test(b)) throw new Error(`brokers: "${b}" is not host:port`);
  }
  return list;
}

const kafkajsLevelFor: Record<string, logLevel> = {
  trace: logLevel.DEBUG,
  debug: logLevel.DEBUG,
  info: logLevel.INFO,
  warn: logLevel.WARN,
  error: logLevel.ERROR,
  fatal: logLevel.ERROR,
  silent: logLevel.NOTHING,
};

/** Bridges kafkajs's log entries into pino: namespace becomes a field, the message stays fixed. */
export function pinoLogCreator(logger: KafkaLogger): logCreator {
  const base = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, ...fields } = log;
      const entry = namespace ? { namespace, ...fields } : fields;
      switch (level) {
        case logLevel.ERROR:
        case logLevel.NOTHING:
          base.error(entry, message);
          break;
        case logLevel.WARN:
          base.warn(entry, message);
          break;
        case logLevel.INFO:
          base.info(entry, message);
          break;
        default:
          base.debug(entry, message);
      }
    };
}

/**
 * The Java-compatible murmur2 partitioner (kafkajs' default), remembering the partition of recent
 * string keys. kafkajs hashes every message's key and filters the partition list for every message;
 * our keys are customer ids, and a worker sends many messages per customer (its rewards, then again
 * in later chunks), so most lookups hit. Same answers as the default partitioner: the partition of
 * a keyed message depends only on the key and the topic's partition count.
 */
export const memoizedDefaultPartitioner: ICustomPartitioner = () => {
  const base = Partitioners.DefaultPartitioner();
  const byTopic = new Map<string, { partitions: number; keys: Map<string, number> }>();
  const MAX_KEYS = 50_000;
  return (args) => {
    const { topic, partitionMetadata, message } = args;
    const key = message.key;
    if (typeof key !== 'string' || (message.partition !== null && message.partition !== undefined)) return base(args);
    let memo = byTopic.get(topic);
    if (memo === undefined || memo.partitions !== partitionMetadata.length) byTopic.set(topic, (memo = { partitions: partitionMetadata.length, keys: new Map() }));
    let partition = memo.keys.get(key);
    if (partition === undefined) {
      partition = base(args);
      if (memo.keys.size >= MAX_KEYS) memo.keys.clear();
      memo.keys.set(key, partition);
    }
    return partition;
  };
};

/**
 * kafkajs client whose producers default to the Java-compatible murmur2 partitioner (the kafkajs 2
 * default, stated explicitly so kafkajs does not print its partitioner-change warning). Keys are
 * customer ids, so Java/Kafka-Streams tools agree with us on which partition a customer lives in.
 */
class IncentiveKafka extends Kafka {
  override producer(config: ProducerConfig = {}): Producer {
    return super.producer({ createPartitioner: memoizedDefaultPartitioner, ...config });
  }
}

export function createKafka(options: CreateKafkaOptions): Kafka {
  return new IncentiveKafka({
    ...options.config,
    brokers: parseBrokers(options.brokers),
    clientId: options.clientId,
    logLevel: kafkajsLevelFor[options.logger.level ?? 'info'] ?? logLevel.INFO,
    logCreator: pinoLogCreator(options.logger),
  });
}
