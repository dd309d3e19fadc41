export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What was awaited, for the timeout error ("consumer received 3 messages"). */
  message?: string;
}

/**
 * Polls `condition` until it returns a truthy value and resolves with that value. A throwing
 * condition counts as "not yet"; its last error becomes the `cause` of the timeout error, so a
 * failure says what was awaited and why it never came true.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<Exclude<T, false | 0 | ''>>> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      const value = await condition();
      if (value) return value as NonNullable<Exclude<T, false | 0 | ''>>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const what = options.message ?? 'condition';
      throw new Error(`waitFor: timed out after ${timeoutMs} ms (${attempts} attempts) waiting for ${what}`, {
        cause: lastError,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}
