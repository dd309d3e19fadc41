/**
 * Redis key layout. Every key carries a hash tag so that each Lua script touches one Redis Cluster
 * slot: per-customer keys `{c:<customerId>}`, per-rule keys `{r:<ruleId>}` (limit counters; their
 * keys come from `@incentive/rules`' `limitKey`, see limit-store.ts). Customer ids are
 * `[A-Za-z0-9._:-]` (no braces), so the tag cannot be broken by the id itself.
 */
export interface KeyLayout {
  /** Hash: `v` (version, incremented per write) and `s` (CustomerState JSON). */
  state(customerId: string): string;
  /**
   * Hash of the event ids applied in one time bucket (bucket = floor(ms / dedupe window)), field =
   * event id, value = '' once published, else `<origin>\n<outbox>` (see facts-store.ts). One key per
   * customer and bucket, not per event: a key costs far more memory and Redis work than a field.
   */
  applied(customerId: string, bucket: number): string;
}

export function createKeyLayout(prefix = ''): KeyLayout {
  if (/[{}]/.test(prefix)) throw new Error('redis key prefix: must not contain "{" or "}"');
  return {
    state: (c) => `${prefix}inc:{c:${c}}:state`,
    applied: (c, b) => `${prefix}inc:{c:${c}}:ap:${b}`,
  };
}
