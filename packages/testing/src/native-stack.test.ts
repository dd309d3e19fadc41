import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepoRoot, parseStackEnv } from './native-stack.js';

describe('native stack helpers', () => {
  it('finds the workspace root from this package', () => {
    const root = findRepoRoot();
    expect(root).toBeDefined();
    expect(existsSync(join(root!, 'pnpm-workspace.yaml'))).toBe(true);
    expect(existsSync(join(root!, 'packages/testing/package.json'))).toBe(true);
  });

  it('parses `scripts/stack env` output, with or without export and quotes', () => {
    expect(
      parseStackEnv('KAFKA_BROKERS=127.0.0.1:9092\nexport MONGO_URL="mongodb://127.0.0.1:27017/"\nREDIS_URL=redis://127.0.0.1:6379\n'),
    ).toEqual({ kafkaBrokers: '127.0.0.1:9092', mongoUrl: 'mongodb://127.0.0.1:27017/', redisUrl: 'redis://127.0.0.1:6379' });
  });

  it('names the variables the stack did not print', () => {
    expect(() => parseStackEnv('KAFKA_BROKERS=127.0.0.1:9092\n')).toThrow('scripts/stack env printed no MONGO_URL, REDIS_URL');
  });
});
