import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Personal data never reaches the logs; ids stay (they are how operators follow a customer). */
export const DEFAULT_REDACT_PATHS = [
  'email',
  '*.email',
  'data.email',
  '*.data.email',
  'birthday',
  '*.birthday',
  'data.birthday',
  '*.data.birthday',
  'phone',
  '*.phone',
  'password',
  '*.password',
  'headers.authorization',
  'req.headers.authorization',
];

export interface LoggerConfig {
  level: string;
  /** Human-readable output; dev only, it costs throughput. */
  pretty?: boolean;
  name: string;
  redact?: string[];
  /** Where JSON lines go; defaults to stdout. Tests pass a stream to assert on output. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(config: LoggerConfig): Logger {
  const options: LoggerOptions = {
    name: config.name,
    level: config.level,
    redact: { paths: [...DEFAULT_REDACT_PATHS, ...(config.redact ?? [])], censor: '[redacted]' },
    base: { service: config.name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (config.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return config.destination ? pino(options, config.destination) : pino(options);
}
