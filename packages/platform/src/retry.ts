import { isRetryable } from './errors.js';

export interface RetryOptions {
  /** First delay; doubles each attempt up to maxDelayMs, with jitter so workers do not retry in lockstep. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Stop after this many attempts (Infinity: until `signal` aborts). */
  maxAttempts?: number;
  signal?: AbortSignal;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Retries retryable failures with exponential backoff; non-retryable ones are thrown at once. */
export async function retryWithBackoff<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const initial = options.initialDelayMs ?? 100;
  const max = options.maxDelayMs ?? 5_000;
  const maxAttempts = options.maxAttempts ?? Infinity;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isRetryable(err) || attempt >= maxAttempts || options.signal?.aborted) throw err;
      const base = Math.min(max, initial * 2 ** (attempt - 1));
      const delay = Math.round(base / 2 + Math.random() * (base / 2));
      options.onRetry?.(err, attempt, delay);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        options.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    }
  }
}
