import { createHash } from 'node:crypto';

/**
 * Deterministic reward id from (ruleId, sourceEventId, index): a replay of the same event yields
 * the same ids, which is what makes limits and fulfillment idempotent. 32 hex digits (128 bits).
 */
export function rewardIdOf(ruleId: string, sourceEventId: string, index: number): string {
  return createHash('sha256').update(`${ruleId}\u0000${sourceEventId}\u0000${index}`).digest('hex').slice(0, 32);
}
