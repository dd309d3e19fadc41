import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { envBool, envInt, envList, envLogLevel, parseEnv } from './env.js';

const schema = z.object({
  KAFKA_BROKERS: envList(),
  PORT: envInt(8080, { min: 1, max: 65535 }),
  PRETTY: envBool(false),
  LOG_LEVEL: envLogLevel(),
});

describe('parseEnv', () => {
  it('applies defaults and converts types', () => {
    const cfg = parseEnv(schema, { KAFKA_BROKERS: 'a:1, b:2,' }, 'svc');
    expect(cfg).toEqual({ KAFKA_BROKERS: ['a:1', 'b:2'], PORT: 8080, PRETTY: false, LOG_LEVEL: 'info' });
  });

  it('lists every bad variable with its reason', () => {
    let caught: unknown;
    try {
      parseEnv(schema, { PORT: '70000', PRETTY: 'maybe', LOG_LEVEL: 'loud' }, 'svc');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const err = caught as ConfigError;
    expect(err.issues.map((i) => i.variable).sort()).toEqual(['KAFKA_BROKERS', 'LOG_LEVEL', 'PORT', 'PRETTY']);
    expect(err.message).toContain('svc: invalid configuration');
    expect(err.message).toMatch(/PORT: .*65535/);
  });
});
