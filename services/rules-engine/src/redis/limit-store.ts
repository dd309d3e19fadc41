import { RetryableError } from '@incentive/platform';
import type { LimitCounter, LimitRequest, LimitStore } from '@incentive/rules';
import type { AbsentMembers } from './facts-store.js';
import { ANY_MEMBER_LUA, RELEASE_LUA, RESERVE_LUA, defineScript, redisError, type ScriptRedis } from './scripts.js';

export interface LimitStoreDeps {
  redis: ScriptRedis;
  /** Prepended to every counter key (before `inc:`); must not contain braces. */
  keyPrefix?: string;
  /** Called per refused request, for the per-rule limit-blocked metric. */
  onBlocked?: (ruleId: string, scope: string) => void;
  /** Counters whose last refusal is remembered (see `RefusalScope`); 0 disables the memory. */
  refusalMemoSize?: number;
}

/**
 * A unit of work (one customer's events of one chunk) that may answer repeated refusals from
 * memory. Its `store` refuses a request without a round trip when Redis already refused the same
 * counter (same cap and amount) for a window starting no later than the hint Redis gave: counters
 * only ever gain members, so usage over such a window can only be larger. The one exception is a
 * request granted by an earlier run (a redelivery after a crash): its own member is in the counter
 * and Redis would grant it again. So before the work commits, `verify()` checks in one pipelined
 * round trip that no refusal answered from memory concerns a granted request; if one does, it
 * throws a retryable error and remembers the request id, so the retried chunk asks Redis for it.
 */
export interface RefusalScope {
  store: LimitStore;
  verify(): Promise<void>;
  /**
   * Hands over the checks `verify()` would make (and forgets them), for a caller that folds them
   * into its own atomic write: the facts commit, which then refuses to write if one fails. Saves
   * the round trip of `verify()` on every chunk that had refusals answered from memory.
   */
  takeChecks(): AbsentMembers[];
  /** After a folded check failed: remembers those requests (the retry asks Redis) and returns the error to throw. */
  granted(ids: string[]): RetryableError;
}

export interface RedisLimitStore extends LimitStore {
  scope(): RefusalScope;
}

interface Refusal {
  max: number;
  amount: number;
  /** The counter refuses for every window start (exclusive, epoch ms) below this. */
  below: number;
}

const reserveScript = defineScript(RESERVE_LUA);
const releaseScript = defineScript(RELEASE_LUA);
const anyMemberScript = defineScript(ANY_MEMBER_LUA);

/** The Redis Cluster hash tag of a key: the text between the first `{` and the next `}`. */
function slotOf(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
}

interface Part {
  request: number;
  counters: LimitCounter[];
  /** Set on refusals answered from memory, for `verify`. */
  id?: string;
}

interface SlotCall {
  slot: string;
  parts: Part[];
}

const member = (id: string, c: LimitCounter) => `${id}|${c.amount}`;

/**
 * `LimitStore` on Redis. A request's counters can live in two slots (per-customer counter in the
 * customer's slot, total and budget in the rule's), and one Lua script may only touch one slot in
 * Redis Cluster, so a request is reserved in steps:
 *   1. customer-slot counters (one script per customer slot, requests in order);
 *   2. the other slots, only for requests that passed 1 (one script per rule slot);
 *   3. compensation: a request refused in some slot gives back what it took in the others.
 * Each step is atomic and idempotent per request id (the member `<id>|<amount>`), which makes the
 * whole exactly-once in effect:
 *   - crash after 1, before 2: the event was not committed, so it is redelivered; step 1 finds its
 *     own member (granted, nothing consumed twice), step 2 runs;
 *   - crash after 2, before the facts commit: replay finds both members, the same reward is emitted;
 *   - crash before 3: replay is refused again in step 2 and step 3 runs.
 * The customer slot goes first because only that customer's own, strictly ordered processing reads
 * it, so a reservation that step 3 later gives back is never seen by anyone else; total and budget
 * counters, which every customer competes for, are only ever taken by requests that keep them.
 * A refusal is not remembered: a replay re-checks, and counters only grow, so it is refused again.
 */
export function createRedisLimitStore(deps: LimitStoreDeps): RedisLimitStore {
  const { redis } = deps;
  const prefix = deps.keyPrefix ?? '';
  if (/[{}]/.test(prefix)) throw new Error('limit store key prefix: must not contain "{" or "}"');
  const fullKey = (c: LimitCounter) => `${prefix}inc:${c.key}`;
  const memoSize = deps.refusalMemoSize ?? 50_000;
  const refusals = new Map<string, Refusal>();
  /** Requests found granted by an earlier run: never answered from memory (bounded, oldest dropped). */
  const askRedis = new Set<string>();

  const knownRefusal = (r: LimitRequest, c: LimitCounter): boolean => {
    const m = refusals.get(fullKey(c));
    return m !== undefined && m.max === c.max && m.amount === c.amount && (c.sinceMs ?? -Infinity) < m.below && !askRedis.has(r.id);
  };

  /** Pending checks of the scope in force, or null: no answers from memory. */
  async function runSlot(requests: readonly LimitRequest[], call: SlotCall, pending: Part[] | null): Promise<boolean[]> {
    const answers = call.parts.map(() => false);
    const asked: number[] = [];
    const keys: string[] = [];
    const args: (string | number)[] = [0];
    call.parts.forEach((part, pi) => {
      const r = requests[part.request]!;
      if (pending !== null && part.counters.some((c) => knownRefusal(r, c))) {
        pending.push({ request: part.request, counters: part.counters, id: r.id });
        return;
      }
      asked.push(pi);
      args.push(r.id, r.atMs, part.counters.length);
      for (const c of part.counters) {
        keys.push(fullKey(c));
        args.push(c.sinceMs === null ? '-inf' : `(${c.sinceMs}`, c.max, c.amount, c.scope === 'budget' ? 'b' : 'c');
      }
    });
    if (asked.length === 0) return answers;
    args[0] = asked.length;
    const out = (await reserveScript.run(redis, keys, args)) as (number | string | null)[];
    let k = asked.length;
    for (let i = 0; i < asked.length; i++) {
      const part = call.parts[asked[i]!]!;
      answers[asked[i]!] = out[i] === 1;
      for (const c of part.counters) {
        const hint = out[k++];
        if (typeof hint !== 'string' || memoSize === 0) continue;
        if (refusals.size >= memoSize) refusals.clear();
        refusals.set(fullKey(c), { max: c.max, amount: c.amount, below: hint === '+inf' ? Infinity : Number(hint) });
      }
    }
    return answers;
  }

  function group(requests: readonly LimitRequest[], include: (i: number) => boolean, customerSlots: boolean): SlotCall[] {
    const calls = new Map<string, SlotCall>();
    requests.forEach((r, i) => {
      if (!include(i)) return;
      const bySlot = new Map<string, LimitCounter[]>();
      for (const c of r.counters) {
        if ((c.scope === 'customer') !== customerSlots) continue;
        const slot = slotOf(c.key);
        bySlot.set(slot, [...(bySlot.get(slot) ?? []), c]);
      }
      for (const [slot, counters] of bySlot) {
        let call = calls.get(slot);
        if (!call) calls.set(slot, (call = { slot, parts: [] }));
        call.parts.push({ request: i, counters });
      }
    });
    return [...calls.values()];
  }

  async function step(requests: readonly LimitRequest[], calls: SlotCall[], ok: boolean[], taken: Part[], pending: Part[] | null): Promise<void> {
    const answers = await Promise.all(calls.map((call) => runSlot(requests, call, pending)));
    calls.forEach((call, ci) => {
      call.parts.forEach((part, pi) => {
        if (answers[ci]![pi]) taken.push(part);
        else if (ok[part.request]) {
          ok[part.request] = false;
          const c = part.counters[0]!;
          deps.onBlocked?.(c.ruleId, c.scope);
        }
      });
    });
  }

  async function reserve(requests: readonly LimitRequest[], pending: Part[] | null): Promise<boolean[]> {
    const ok = requests.map(() => true);
    if (requests.length === 0) return ok;
    try {
      const taken: Part[] = [];
      await step(requests, group(requests, () => true, true), ok, taken, pending);
      await step(requests, group(requests, (i) => ok[i]!, false), ok, taken, pending);
      const giveBack = taken.filter((p) => !ok[p.request]);
      // A refusal seen while a given-back member was still counted may not hold once it is gone.
      for (const p of giveBack) for (const c of p.counters) refusals.delete(fullKey(c));
      await Promise.all(
        giveBack.map((p) => {
          const id = requests[p.request]!.id;
          return releaseScript.run(redis, p.counters.map(fullKey), p.counters.map((c) => member(id, c)));
        }),
      );
      return ok;
    } catch (err) {
      throw redisError('reserve', err);
    }
  }

  function grantedEarlier(ids: string[]): RetryableError {
    for (const id of ids) {
      if (askRedis.size >= 10_000) askRedis.delete(askRedis.values().next().value as string);
      askRedis.add(id);
    }
    return new RetryableError('limit refusal answered from memory concerns a request granted by an earlier run; retrying the chunk with Redis answers', {
      cause: { requestIds: ids },
    });
  }

  return {
    reserve: (requests) => reserve(requests, null),
    scope(): RefusalScope {
      const pending: Part[] = [];
      return {
        store: { reserve: (requests) => reserve(requests, memoSize === 0 ? null : pending) },
        async verify() {
          if (pending.length === 0) return;
          const checks = pending.splice(0);
          let found: boolean[];
          try {
            found = await Promise.all(
              checks.map(async (p) => (await anyMemberScript.run(redis, p.counters.map(fullKey), p.counters.map((c) => member(p.id!, c)))) === 1),
            );
          } catch (err) {
            throw redisError('verify', err);
          }
          const granted = checks.filter((_, i) => found[i]).map((p) => p.id!);
          if (granted.length === 0) return;
          throw grantedEarlier(granted);
        },
        takeChecks() {
          return pending.splice(0).map((p) => ({ id: p.id!, keys: p.counters.map(fullKey), members: p.counters.map((c) => member(p.id!, c)) }));
        },
        granted: grantedEarlier,
      };
    },
  };
}
