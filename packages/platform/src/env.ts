import { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * Parses the environment with a service's zod schema. Every bad variable is listed at once, so an
 * operator fixes a deployment in one round.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>, serviceName: string): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    variable: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  const lines = issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n');
  throw new ConfigError(`${serviceName}: invalid configuration\n${lines}`, issues);
}

/** Env helpers: variables are strings, these turn them into typed values with clear errors. */
export const envInt = (def: number, opts: { min?: number; max?: number } = {}) =>
  z.coerce
    .number()
    .int()
    .min(opts.min ?? Number.MIN_SAFE_INTEGER)
    .max(opts.max ?? Number.MAX_SAFE_INTEGER)
    .default(def);

export const envBool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Comma-separated list, blanks dropped: `KAFKA_BROKERS=a:9092,b:9092`. */
export const envList = (def?: string) => {
  const base = z.string().min(1, 'must not be empty');
  return (def === undefined ? base : base.default(def)).transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
};

export const envLogLevel = () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');
