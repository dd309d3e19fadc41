import type { KeyLayout } from './keys.js';
import { RELEASE_LUA, RESERVE_LUA, defineScript, redisError, type ScriptRedis } from './scripts.js';

/** One limit of one request, already resolved to numbers: at most `count` rewards in (sinceMs, atMs]. */
export interface LimitCheck {
  count: number;
  /** Exclusive window start in ms; -Infinity for lifetime. */
  sinceMs: number;
}

/** A reservation request in the shape this adapter works with (see `toLimitChecks` in limit-request.ts). */
export interface ReservationRequest {
  rewardId: string;
  ruleId: string;
  customerId: string;
  atMs: number;
  perCustomer?: LimitCheck;
  total?: LimitCheck;
}

export interface ReservationStore {
  /** Sequential semantics: request i sees what requests < i consumed. Idempotent per rewardId. */
  reserve(requests: ReservationRequest[]): Promise<boolean[]>;
}

export interface LimitStoreDeps {
  redis: ScriptRedis;
  keys: KeyLayout;
  /** Called per denied request, for the per-rule limit-blocked metric. */
  onBlocked?: (ruleId: string, scope: 'perCustomer' | 'total') => void;
}

const reserveScript = defineScript(RESERVE_LUA);
const releaseScript = defineScript(RELEASE_LUA);

interface Slot {
  keys: string[];
  args: (string | number)[];
  index: number[];
}

function since(ms: number): string {
  return Number.isFinite(ms) ? `(${ms}` : '-inf';
}

function addTo(slots: Map<string, Slot>, slotTag: string, key: string, i: number, r: ReservationRequest, check: LimitCheck): void {
  let slot = slots.get(slotTag);
  if (!slot) {
    slot = { keys: [], args: [], index: [] };
    slots.set(slotTag, slot);
  }
  slot.keys.push(key);
  slot.args.push(r.rewardId, r.atMs, since(check.sinceMs), check.count);
  slot.index.push(i);
}

/**
 * Limits in Redis. A request can have a per-customer limit (slot of the customer) and a total limit
 * (slot of the rule). One Lua script can only touch one slot in Redis Cluster, so a request is
 * reserved in two steps: (1) per-customer, (2) total for those that passed (1), then (3) the
 * per-customer reservation is given back for those that (2) refused. Each step is atomic and
 * idempotent per rewardId, so the combination is exactly-once in effect:
 * - a crash between steps leaves a per-customer reservation whose reward was not emitted; the
 *   event's offset was not committed, so it is redelivered, the same rewardId finds its own
 *   reservation (granted again without consuming), and step (2) completes;
 * - a crash after (2) but before the facts commit: replay finds both reservations, the reward is
 *   emitted with the same id;
 * - a crash before (3): replay passes (1) idempotently, (2) refuses again, (3) runs.
 * The only effect of the gap is that, for a few milliseconds, another event of the same customer could
 * see a per-customer slot that is about to be released, i.e. be refused once where a strictly
 * serial store would have granted it; customers are processed in order on one partition, so even
 * that needs a concurrent duplicate of the customer, which the partitioning prevents.
 */
export function createRedisLimitStore(deps: LimitStoreDeps): ReservationStore {
  const { redis, keys } = deps;

  async function runSlots(slots: Map<string, Slot>, results: boolean[]): Promise<void> {
    await Promise.all(
      [...slots.values()].map(async (slot) => {
        const granted = (await reserveScript.run(redis, slot.keys, slot.args)) as number[];
        slot.index.forEach((reqIndex, j) => {
          if (granted[j] !== 1) results[reqIndex] = false;
        });
      }),
    );
  }

  return {
    async reserve(requests) {
      const results = requests.map(() => true);
      if (requests.length === 0) return results;
      try {
        const customerSlots = new Map<string, Slot>();
        requests.forEach((r, i) => {
          if (r.perCustomer) addTo(customerSlots, `c:${r.customerId}`, keys.customerLimit(r.customerId, r.ruleId), i, r, r.perCustomer);
        });
        await runSlots(customerSlots, results);
        const perCustomerOk = [...results];
        for (const [i, ok] of perCustomerOk.entries()) if (!ok) deps.onBlocked?.(requests[i]!.ruleId, 'perCustomer');

        const ruleSlots = new Map<string, Slot>();
        requests.forEach((r, i) => {
          if (r.total && results[i]) addTo(ruleSlots, `r:${r.ruleId}`, keys.ruleLimit(r.ruleId), i, r, r.total);
        });
        await runSlots(ruleSlots, results);

        const release = new Map<string, { keys: string[]; members: string[] }>();
        requests.forEach((r, i) => {
          if (perCustomerOk[i] && !results[i]) {
            deps.onBlocked?.(r.ruleId, 'total');
            if (!r.perCustomer) return;
            const tag = `c:${r.customerId}`;
            const entry = release.get(tag) ?? { keys: [], members: [] };
            entry.keys.push(keys.customerLimit(r.customerId, r.ruleId));
            entry.members.push(r.rewardId);
            release.set(tag, entry);
          }
        });
        await Promise.all([...release.values()].map((e) => releaseScript.run(redis, e.keys, e.members)));
        return results;
      } catch (err) {
        throw redisError('reserve', err);
      }
    },
  };
}
