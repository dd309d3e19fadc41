import { createHash } from 'node:crypto';

/** Event ids are limited to 128 characters by the event contract. */
export const MAX_EVENT_ID_LENGTH = 128;

/**
 * Derived and clock event ids embed a customer id or a source event id, each up to 128 characters,
 * so the readable form can exceed the contract's limit. Past the limit the id keeps its readable
 * prefix and ends in a hash of the full form: still deterministic, so replays and the worker's
 * dedupe see the same id.
 */
export function boundedEventId(readable: string): string {
  if (readable.length <= MAX_EVENT_ID_LENGTH) return readable;
  const digest = createHash('sha256').update(readable).digest('hex').slice(0, 40);
  return `${readable.slice(0, MAX_EVENT_ID_LENGTH - digest.length - 1)}~${digest}`;
}
