import { describe, expect, it } from 'vitest';
import { NonRetryableError, RetryableError, isRetryable } from './errors.js';

class RedisDown extends RetryableError {}
class BadEvent extends NonRetryableError {}

describe('errors', () => {
  it('names subclasses after themselves and keeps the cause', () => {
    const cause = new Error('ECONNREFUSED');
    const err = new RedisDown('redis unavailable', { cause });
    expect(err.name).toBe('RedisDown');
    expect(err.cause).toBe(cause);
    expect(err).toBeInstanceOf(Error);
  });

  it('classifies by retryability, unknown errors as retryable', () => {
    expect(isRetryable(new RedisDown('x'))).toBe(true);
    expect(isRetryable(new BadEvent('x'))).toBe(false);
    expect(isRetryable(new Error('unknown'))).toBe(true);
    expect(isRetryable({ retryable: false })).toBe(false);
  });
});
