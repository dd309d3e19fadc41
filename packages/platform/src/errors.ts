/**
 * Errors are split by whether retrying can help. Adapters wrap driver errors into one of these so
 * the consumers' retry loops decide on `isRetryable`, not on driver-specific codes.
 */
export class RetryableError extends Error {
  readonly retryable = true as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NonRetryableError extends Error {
  readonly retryable = false as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Invalid configuration: the process must not start. */
export class ConfigError extends NonRetryableError {
  constructor(
    message: string,
    readonly issues: { variable: string; message: string }[],
  ) {
    super(message);
  }
}

/** Unknown errors are treated as retryable: a transient fault is likelier than a bug, and the caller bounds retries. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof NonRetryableError) return false;
  if (err instanceof RetryableError) return true;
  if (typeof err === 'object' && err !== null && 'retryable' in err) return (err as { retryable: unknown }).retryable !== false;
  return true;
}
