import type { KeyLayout } from './keys.js';
import { COMMIT_LUA, LOAD_LUA, MARK_PUBLISHED_LUA, defineScript, redisError, type ScriptRedis } from './scripts.js';

/** What the store needs from ioredis. With `enableAutoPipelining`, the concurrent calls below leave as one write per node. */
export interface FactsRedis extends ScriptRedis {
  exists(...keys: string[]): Promise<number>;
}

/** One applied event as recorded next to the customer's state. */
export interface AppliedRecord {
  /** `topic/partition/offset` of the message that applied it. */
  origin: string;
  published: boolean;
  /** Outbox: the messages this event produced, kept until Kafka acknowledged them. */
  outbox: OutboxMessage[];
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

export interface FactsStore<S> {
  /** Loads state and applied-event records for many customers in one round trip (auto-pipelined). */
  load(requests: LoadRequest[]): Promise<Map<string, LoadedCustomer<S>>>;
  /** Which of these customers have a state record (referrers must be known). */
  knownCustomers(customerIds: string[]): Promise<Set<string>>;
  /**
   * Writes state + applied records atomically per customer; false when the version moved (another
   * worker wrote the customer since `load`).
   */
  commit(customerId: string, expectedVersion: number, state: S, applied: NewAppliedRecord[]): Promise<boolean>;
  /** Marks applied records as published once Kafka acknowledged their outbox. */
  markPublished(entries: { customerId: string; eventId: string }[]): Promise<void>;
}

export interface FactsStoreDeps<S> {
  redis: FactsRedis;
  keys: KeyLayout;
  /** How long applied event ids are remembered (dedupe window). */
  dedupeWindowMs: number;
  /** Validates a stored state (e.g. `parseCustomerState`); throws with the field and reason when it is unusable. */
  decode: (json: unknown) => S;
  /**
   * Customers whose last committed state is kept in memory (LRU; 0 disables). A load then only
   * fetches the version and reuses the cached state when nobody else wrote since, skipping the
   * transfer, parse and validation of large states. States are treated as immutable values.
   */
  cacheSize?: number;
}

const commitScript = defineScript(COMMIT_LUA);
const markScript = defineScript(MARK_PUBLISHED_LUA);
const loadScript = defineScript(LOAD_LUA);

export function createRedisFactsStore<S>(deps: FactsStoreDeps<S>): FactsStore<S> {
  const { redis, keys } = deps;
  const cacheSize = deps.cacheSize ?? 10_000;
  const cache = new Map<string, { version: number; state: S }>();
  const remember = (customerId: string, version: number, state: S) => {
    if (cacheSize === 0) return;
    cache.delete(customerId);
    cache.set(customerId, { version, state });
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
  };

  async function guard<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw redisError(op, err);
    }
  }

  return {
    load(requests) {
      return guard('load', async () => {
        const out = new Map<string, LoadedCustomer<S>>();
        await Promise.all(
          requests.map(async ({ customerId, eventIds }) => {
            // One script call per customer: state and every applied-event record live in its slot.
            const cached = cache.get(customerId);
            const row = (await loadScript.run(redis, [keys.state(customerId), ...eventIds.map((id) => keys.applied(customerId, id))], [cached ? String(cached.version) : ''])) as (string | null)[];
            const applied = new Map<string, AppliedRecord>();
            eventIds.forEach((id, i) => {
              const o = row[2 + i * 3];
              const p = row[3 + i * 3];
              const outJson = row[4 + i * 3];
              if (o) applied.set(id, { origin: o, published: p === '1', outbox: outJson ? (JSON.parse(outJson) as OutboxMessage[]) : [] });
            });
            const v = row[0];
            const s = row[1];
            const version = v ? Number(v) : 0;
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
          }),
        );
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

    commit(customerId, expectedVersion, state, applied) {
      return guard('commit', async () => {
        const keyList = [keys.state(customerId), ...applied.map((a) => keys.applied(customerId, a.eventId))];
        const args: (string | number)[] = [String(expectedVersion), JSON.stringify(state), deps.dedupeWindowMs];
        for (const a of applied) {
          // Nothing to publish: the record is born published and carries no outbox.
          const published = a.outbox.length === 0;
          args.push(a.origin, published ? '1' : '0', published ? '' : JSON.stringify(a.outbox));
        }
        const result = Number(await commitScript.run(redis, keyList, args));
        if (result > 0) remember(customerId, result, state);
        else cache.delete(customerId);
        return result > 0;
      });
    },

    markPublished(entries) {
      return guard('markPublished', async () => {
        const byCustomer = new Map<string, string[]>();
        for (const e of entries) byCustomer.set(e.customerId, [...(byCustomer.get(e.customerId) ?? []), keys.applied(e.customerId, e.eventId)]);
        await Promise.all([...byCustomer.values()].map((k) => markScript.run(redis, k, [])));
      });
    },
  };
}
