import { describe, expect, it } from 'vitest';
import { NonRetryableError, RetryableError } from './errors.js';
import { retryWithBackoff } from './retry.js';

describe('retryWithBackoff', () => {
  it('retries retryable failures until success', async () => {
    let calls = 0;
    const value = await retryWithBackoff(
      async () => {
        calls++;
        if (calls < 3) throw new RetryableError('down');
        return 'ok';
      },
      { initialDelayMs: 1 },
    );
    expect(value).toBe('ok');
    expect(calls).toBe(3);
  });

  it('throws non-retryable failures at once', async () => {
    let calls = 0;
    await expect(
      retryWithBackoff(async () => {
        calls++;
        throw new NonRetryableError('bad input');
      }),
    ).rejects.toThrow('bad input');
    expect(calls).toBe(1);
  });

  it('gives up after maxAttempts', async () => {
    let calls = 0;
    await expect(
      retryWithBackoff(
        async () => {
          calls++;
          throw new RetryableError('down');
        },
        { initialDelayMs: 1, maxAttempts: 4 },
      ),
    ).rejects.toThrow('down');
    expect(calls).toBe(4);
  });
});
