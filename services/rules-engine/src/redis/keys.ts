/**
 * Redis key layout. Every key carries a hash tag so that each Lua script touches one Redis Cluster
 * slot: per-customer keys `{c:<customerId>}`, per-rule keys `{r:<ruleId>}` (limit counters; their
 * keys come from `@incentive/rules`' `limitKey`, see limit-store.ts). Customer ids are
 * `[A-Za-z0-9._:-]` (no braces), so the tag cannot be broken by the id itself.
 */
export interface KeyLayout {
  /** Hash: `v` (version, incremented per write) and `s` (CustomerState JSON). */
  state(customerId: string): string;
  /** Hash per applied event id: `o` (origin topic/partition/offset), `p` (published 0/1), `out` (outbox JSON). */
  applied(customerId: string, eventId: string): string;
}

export function createKeyLayout(prefix = ''): KeyLayout {
  if (/[{}]/.test(prefix)) throw new Error('redis key prefix: must not contain "{" or "}"');
  return {
    state: (c) => `${prefix}inc:{c:${c}}:state`,
    applied: (c, e) => `${prefix}inc:{c:${c}}:ev:${e}`,
  };
}
