import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export type ScriptRunner = (keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

/** EVALSHA with a fallback to EVAL when the server has not cached the script yet (restart, failover). */
export function scriptRunner(redis: Pick<Redis, 'evalsha' | 'eval'>, source: string): ScriptRunner {
  const sha = createHash('sha1').update(source).digest('hex');
  return async (keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('NOSCRIPT')) return redis.eval(source, keys.length, ...keys, ...args);
      throw err;
    }
  };
}
