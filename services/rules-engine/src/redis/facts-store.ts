import type { KeyLayout } from './keys.js';
import { COMMIT_LUA, LOAD_LUA, MARK_PUBLISHED_LUA, defineScript, redisError, type ScriptRedis } from './scripts.js';

/** What the store needs from ioredis. With `enableAutoPipelining`, the concurrent calls below leave as one write per node. */
export interface FactsRedis extends ScriptRedis {
  exists(...keys: string[]): Promise<number>;
}

/** One applied event as recorded next to the customer's state. */
export interface AppliedRecord {
  /** `topic/partition/offset` of the message that applied it, while not published ('' after). */
  origin: string;
  published: boolean;
  /** Outbox: the messages this event produced, kept until Kafka acknowledged them. */
  outbox: OutboxMessage[];
  /** The time bucket whose key holds the record (see `markPublished`). */
  bucket: number;
}

export interface OutboxMessage {
  topic: 'rewards' | 'events';
  key: string;
  value: string;
}

export interface LoadedCustomer<S> {
  version: number;
  state: S | undefined;
  /** Set when the stored state could not be decoded (corrupt or from an unknown schema version). */
  stateError?: string;
  applied: Map<string, AppliedRecord>;
}

export interface LoadRequest {
  customerId: string;
  eventIds: string[];
}

export interface NewAppliedRecord {
  eventId: string;
  origin: string;
  outbox: OutboxMessage[];
}

/**
 * Sorted-set members that must all be absent for a commit to apply: a limit refusal answered from
 * memory, which would be wrong if an earlier run was granted this request (its member is then in
 * the counter; see `RefusalScope` in limit-store.ts). `keys[i]` holds `members[i]`.
 */
export interface AbsentMembers {
  /** The limit request id. */
  id: string;
  keys: string[];
  members: string[];
}

export interface CommitRequest<S> {
  customerId: string;
  /** The version `load` returned. */
  expectedVersion: number;
  state: S;
  applied: NewAppliedRecord[];
  /** Checked in the same atomic call (only when the store's `checksAbsent`): any present member writes nothing. */
  absent?: AbsentMembers[];
}

export interface CommitOutcome {
  /** Customers whose version moved (another worker wrote them since `load`). */
  stale: string[];
  /** Ids of `absent` checks that found a member. */
  granted: string[];
  /** The time bucket the applied records were written to (see `markPublished`). */
  bucket: number;
}

/** An applied record to mark published: its customer, event id and bucket (from `load` or `commit`). */
export interface PublishedMark {
  customerId: string;
  eventId: string;
  bucket: number;
}

export interface FactsStore<S> {
  /** Loads state and applied-event records for many customers (one script call per group, see `scriptGroups`). */
  load(requests: LoadRequest[]): Promise<Map<string, LoadedCustomer<S>>>;
  /** Which of these customers have a state record (referrers must be known). */
  knownCustomers(customerIds: string[]): Promise<Set<string>>;
  /**
   * Writes state + applied records of many customers, atomically per group. A group writes nothing
   * when one of its customers' version moved (another worker wrote it since `load`) or one of its
   * `absent` checks found a member; the outcome lists both (empty lists: everything was written).
   */
  commit(requests: CommitRequest<S>[]): Promise<CommitOutcome>;
  /**
   * Whether `commit` checks `absent` members itself: with one call per chunk (a single Redis node),
   * the check costs no round trip of its own. Per customer (Redis Cluster) a check may concern
   * another slot (a rule's total or budget counter), so the caller verifies separately.
   */
  readonly checksAbsent: boolean;
  /** Marks applied records as published once Kafka acknowledged their outbox (drops the outbox copy). */
  markPublished(entries: PublishedMark[]): Promise<void>;
}

export interface FactsStoreDeps<S> {
  redis: FactsRedis;
  keys: KeyLayout;
  /**
   * How long applied event ids are remembered at least (dedupe window). Records are kept per
   * customer in buckets of this width and expire with their bucket, so an id is remembered for
   * between one and two windows.
   */
  dedupeWindowMs: number;
  /** Clock for the buckets (tests); default `Date.now`. */
  now?: () => number;
  /** Validates a stored state (e.g. `parseCustomerState`); throws with the field and reason when it is unusable. */
  decode: (json: unknown) => S;
  /**
   * Customers whose last committed state is kept in memory (LRU; 0 disables). A load then only
   * fetches the version and reuses the cached state when nobody else wrote since, skipping the
   * transfer, parse and validation of the state. States are treated as immutable values.
   */
  cacheSize?: number;
  /**
   * How customers are grouped into script calls. 'chunk' (default): one call for all customers of
   * a chunk: a single Redis node, where a script may touch any key, and per-call costs (command
   * encoding, reply handling, script dispatch) are paid once instead of once per customer.
   * 'customer': one call per customer (its keys share the `{c:<id>}` hash tag), as Redis Cluster
   * requires of a script.
   */
  scriptGroups?: 'chunk' | 'customer';
}

/**
 * The outbox as stored in Redis: one line per message, `r` (rewards) or `e` (events), the key, a
 * tab, the value. Not JSON of a list: the values are JSON already, and encoding them again would
 * escape every quote of every reward. Keys are customer ids (no tab or newline) and values come from
 * JSON.stringify (no raw newline); both are checked, so a violation fails loudly instead of
 * corrupting the record.
 */
export function encodeOutbox(messages: readonly OutboxMessage[]): string {
  let out = '';
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as OutboxMessage;
    if (/[\t\n]/.test(m.key) || m.value.includes('\n')) throw new Error(`outbox message ${i}: key must not contain a tab or newline, value no newline`);
    out += `${i === 0 ? '' : '\n'}${m.topic === 'rewards' ? 'r' : 'e'}${m.key}\t${m.value}`;
  }
  return out;
}

export function decodeOutbox(text: string): OutboxMessage[] {
  if (text === '') return [];
  return text.split('\n').map((line) => {
    const tab = line.indexOf('\t');
    return { topic: line[0] === 'r' ? 'rewards' : 'events', key: line.slice(1, tab), value: line.slice(tab + 1) };
  });
}

/**
 * An applied record as stored: '' once published (the origin no longer matters then: any later
 * delivery of the id is a duplicate), else the origin, a newline, and the outbox.
 */
export function encodeRecord(origin: string, outbox: readonly OutboxMessage[]): string {
  if (outbox.length === 0) return '';
  if (origin.includes('\n')) throw new Error('applied record: origin must not contain a newline');
  return `${origin}\n${encodeOutbox(outbox)}`;
}

export function decodeRecord(text: string, bucket: number): AppliedRecord {
  const nl = text.indexOf('\n');
  if (nl < 0) return { origin: '', published: true, outbox: [], bucket };
  return { origin: text.slice(0, nl), published: false, outbox: decodeOutbox(text.slice(nl + 1)), bucket };
}

/**
 * A writer's clock may be ahead of ours: near the end of a bucket, the next one is read too, so a
 * record written there by such a writer is still found.
 */
const CLOCK_SKEW_MS = 60_000;

const commitScript = defineScript(COMMIT_LUA);
const markScript = defineScript(MARK_PUBLISHED_LUA);
const loadScript = defineScript(LOAD_LUA);

export function createRedisFactsStore<S>(deps: FactsStoreDeps<S>): FactsStore<S> {
  const { redis, keys } = deps;
  const cacheSize = deps.cacheSize ?? 10_000;
  const perCustomer = deps.scriptGroups === 'customer';
  const windowMs = deps.dedupeWindowMs;
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { version: number; state: S }>();
  const remember = (customerId: string, version: number, state: S) => {
    if (cacheSize === 0) return;
    cache.delete(customerId);
    cache.set(customerId, { version, state });
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
  };
  /** Items split into script-call groups: all together, or one per customer. */
  const groups = <T>(items: T[]): T[][] => (perCustomer ? items.map((i) => [i]) : items.length === 0 ? [] : [items]);

  async function guard<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw redisError(op, err);
    }
  }

  async function loadGroup(requests: LoadRequest[], buckets: number[], out: Map<string, LoadedCustomer<S>>): Promise<void> {
    const keyList: string[] = [];
    const args: string[] = [String(buckets.length)];
    for (const { customerId, eventIds } of requests) {
      keyList.push(keys.state(customerId));
      for (const b of buckets) keyList.push(keys.applied(customerId, b));
      const cached = cache.get(customerId);
      args.push(String(eventIds.length), cached ? String(cached.version) : '');
      for (const id of eventIds) args.push(id);
    }
    const row = (await loadScript.run(redis, keyList, args)) as (string | number | null)[];
    let r = 0;
    for (const { customerId, eventIds } of requests) {
      const v = (row[r++] ?? null) as string | null;
      const s = (row[r++] ?? null) as string | null;
      const applied = new Map<string, AppliedRecord>();
      for (const id of eventIds) {
        const text = row[r++];
        const where = row[r++];
        if (typeof text === 'string') applied.set(id, decodeRecord(text, buckets[(where as number) - 1] as number));
      }
      const version = v ? Number(v) : 0;
      const cached = cache.get(customerId);
      let state: S | undefined;
      let stateError: string | undefined;
      if (cached && v !== null && cached.version === version) {
        state = cached.state;
      } else {
        cache.delete(customerId);
        try {
          state = s ? deps.decode(JSON.parse(s)) : undefined;
          if (state !== undefined) remember(customerId, version, state);
        } catch (err) {
          stateError = err instanceof Error ? err.message : String(err);
        }
      }
      out.set(customerId, { version, state, applied, ...(stateError === undefined ? {} : { stateError }) });
    }
  }

  async function commitGroup(requests: CommitRequest<S>[], bucket: number): Promise<CommitOutcome> {
    const keyList: string[] = [];
    // The bucket's key lives until the end of the next bucket: every record at least one window.
    const args: (string | number)[] = [(bucket + 2) * windowMs, requests.length];
    for (const { customerId, expectedVersion, state, applied } of requests) {
      keyList.push(keys.state(customerId), keys.applied(customerId, bucket));
      args.push(String(expectedVersion), JSON.stringify(state), applied.length);
      // Nothing to publish: the record is born published ('') and carries no outbox.
      for (const a of applied) args.push(a.eventId, encodeRecord(a.origin, a.outbox));
    }
    const checks: AbsentMembers[] = [];
    for (const r of requests) if (r.absent) for (const c of r.absent) checks.push(c);
    if (checks.length > 0) {
      if (perCustomer) throw new Error('facts store: absent-member checks need scriptGroups "chunk" (see checksAbsent)');
      args.push(checks.length);
      for (const c of checks) {
        args.push(c.keys.length);
        for (let i = 0; i < c.keys.length; i++) {
          keyList.push(c.keys[i] as string);
          args.push(c.members[i] as string);
        }
      }
    }
    const result = (await commitScript.run(redis, keyList, args)) as number[];
    if (result[0] !== 1) {
      const nStale = result[1] as number;
      const stale = result.slice(2, 2 + nStale).map((i) => (requests[i - 1] as CommitRequest<S>).customerId);
      const granted = result.slice(2 + nStale).map((i) => (checks[i - 1] as AbsentMembers).id);
      for (const r of requests) cache.delete(r.customerId);
      return { stale, granted, bucket };
    }
    requests.forEach((r, i) => remember(r.customerId, result[i + 1] as number, r.state));
    return { stale: [], granted: [], bucket };
  }

  return {
    load(requests) {
      return guard('load', async () => {
        const out = new Map<string, LoadedCustomer<S>>();
        // The buckets that can hold a record younger than one window: the current one and the one
        // before, and the next one near a bucket's end (CLOCK_SKEW_MS).
        const t = now();
        const buckets: number[] = [];
        for (let b = Math.floor((t + CLOCK_SKEW_MS) / windowMs); b >= Math.floor((t - windowMs) / windowMs); b--) buckets.push(b);
        await Promise.all(groups(requests).map((g) => loadGroup(g, buckets, out)));
        return out;
      });
    },

    knownCustomers(customerIds) {
      return guard('exists', async () => {
        const unique = [...new Set(customerIds)];
        const found = await Promise.all(unique.map((c) => redis.exists(keys.state(c))));
        return new Set(unique.filter((_, i) => found[i] === 1));
      });
    },

    checksAbsent: !perCustomer,

    commit(requests) {
      return guard('commit', async () => {
        const bucket = Math.floor(now() / windowMs);
        const outcomes = await Promise.all(groups(requests).map((g) => commitGroup(g, bucket)));
        if (outcomes.length === 1) return outcomes[0] as CommitOutcome;
        return { stale: outcomes.flatMap((o) => o.stale), granted: outcomes.flatMap((o) => o.granted), bucket };
      });
    },

    markPublished(entries) {
      return guard('markPublished', async () => {
        // Ids per records key, keys per script call (all together, or per customer).
        const byKey = new Map<string, { group: string; ids: string[] }>();
        for (const e of entries) {
          const key = keys.applied(e.customerId, e.bucket);
          let k = byKey.get(key);
          if (!k) byKey.set(key, (k = { group: perCustomer ? e.customerId : '', ids: [] }));
          k.ids.push(e.eventId);
        }
        const calls = new Map<string, { keys: string[]; args: (string | number)[] }>();
        for (const [key, { group, ids }] of byKey) {
          let call = calls.get(group);
          if (!call) calls.set(group, (call = { keys: [], args: [] }));
          call.keys.push(key);
          call.args.push(ids.length, ...ids);
        }
        await Promise.all([...calls.values()].map((c) => markScript.run(redis, c.keys, c.args)));
      });
    },
  };
}
