import { afterEach } from 'vitest';

/** What the running test must undo (stop a consumer, delete topics, ...), undone in reverse order after it. */
export type Cleanups = (() => Promise<void> | void)[];

/**
 * A test file's cleanup list: registers the `afterEach` that runs and empties it, so a failing
 * test leaves nothing running or behind. Call once at the top level of a test file.
 */
export function useCleanups(): Cleanups {
  const cleanups: Cleanups = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return cleanups;
}
