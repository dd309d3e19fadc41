import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? { calls } : undefined), { intervalMs: 1 });
    expect(value).toEqual({ calls: 3 });
  });

  it('treats a throwing condition as not yet', async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('not ready');
        return 'ready';
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('ready');
  });

  it('times out naming what it waited for, with the last error as cause', async () => {
    const err = await waitFor(
      () => {
        throw new Error('broker unreachable');
      },
      { timeoutMs: 30, intervalMs: 5, message: '3 messages on t1' },
    ).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/^waitFor: timed out after 30 ms \(\d+ attempts\) waiting for 3 messages on t1$/);
    expect((err.cause as Error).message).toBe('broker unreachable');
  });
});
