/** Where the shared services of a test run live. Serialisable: it crosses vitest's provide/inject. */
export interface ServiceUrls {
  /** Comma-separated `host:port` list, same format as `KAFKA_BROKERS`. */
  kafkaBrokers: string;
  mongoUrl: string;
  redisUrl: string;
  /** Which resolution step produced the URLs. */
  source: 'env' | 'testcontainers' | 'native-stack';
}

declare module 'vitest' {
  export interface ProvidedContext {
    incentiveServices: ServiceUrls;
  }
}
