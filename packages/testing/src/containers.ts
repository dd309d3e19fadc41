import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ServiceUrls } from './services.js';

export const IMAGES = {
  kafka: 'apache/kafka:4.1.1',
  mongo: 'mongo:7',
  redis: 'redis:7',
} as const;

const RUNTIME_PROBE_TIMEOUT_MS = 10_000;
const STARTUP_TIMEOUT_MS = 180_000;

/**
 * Cheap pre-check before asking testcontainers: without DOCKER_HOST, a testcontainers config file or
 * a known socket there is nothing to probe, and we answer instantly instead of waiting on strategies.
 */
export function containerRuntimeHint(env: NodeJS.ProcessEnv): string | undefined {
  if (env.DOCKER_HOST) return `DOCKER_HOST=${env.DOCKER_HOST}`;
  const home = env.HOME ?? homedir();
  const candidates = [
    join(home, '.testcontainers.properties'),
    '/var/run/docker.sock',
    join(home, '.docker/run/docker.sock'),
    join(home, '.docker/desktop/docker.sock'),
    join(home, '.colima/default/docker.sock'),
    join(home, '.rd/docker.sock'),
    env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'podman/podman.sock') : '',
    env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'docker.sock') : '',
    '/run/podman/podman.sock',
  ].filter(Boolean);
  return candidates.find((p) => existsSync(p));
}

export interface StartedServices {
  urls: Omit<ServiceUrls, 'source'>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Throws when no runtime answers within a few seconds, so callers can fall through quickly. */
export async function probeContainerRuntime(): Promise<string> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  let timer: NodeJS.Timeout | undefined;
  try {
    const client = await Promise.race([
      getContainerRuntimeClient(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`container runtime did not answer within ${RUNTIME_PROBE_TIMEOUT_MS} ms`)),
          RUNTIME_PROBE_TIMEOUT_MS,
        );
      }),
    ]);
    return client.info.containerRuntime.host;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts Kafka (KRaft, single node), MongoDB and Redis containers in parallel. Kafka must advertise
 * the address clients reach it by, which is only known once the port is mapped; binding a free host
 * port chosen up front lets the advertised listener be set in the environment instead.
 */
export async function startContainers(runtimeHost: string): Promise<StartedServices> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const kafkaPort = await freePort();
  const kafka = new GenericContainer(IMAGES.kafka)
    .withExposedPorts({ container: 9092, host: kafkaPort })
    .withEnvironment({
      CLUSTER_ID: 'MkU3OEVBNTcwNTJENDM2Qk', // any base64 UUID; the image would use its own default otherwise
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${runtimeHost}:${kafkaPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(STARTUP_TIMEOUT_MS);
  const mongo = new GenericContainer(IMAGES.mongo)
    .withExposedPorts(27017)
    .withWaitStrategy(Wait.forLogMessage(/Waiting for connections/))
    .withStartupTimeout(STARTUP_TIMEOUT_MS);
  const redis = new GenericContainer(IMAGES.redis)
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
    .withStartupTimeout(STARTUP_TIMEOUT_MS);

  const results = await Promise.allSettled([kafka.start(), mongo.start(), redis.start()]);
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.allSettled(started.map((c) => c.stop()));
  };
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }
  const [k, m, r] = started as [(typeof started)[number], (typeof started)[number], (typeof started)[number]];
  return {
    urls: {
      kafkaBrokers: `${runtimeHost}:${kafkaPort}`,
      mongoUrl: `mongodb://${m.getHost()}:${m.getMappedPort(27017)}/`,
      redisUrl: `redis://${r.getHost()}:${r.getMappedPort(6379)}`,
    },
    stop: async () => {
      await Promise.allSettled([k.stop(), m.stop(), r.stop()]);
    },
  };
}
