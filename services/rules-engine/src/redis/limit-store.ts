import type { LimitCounter, LimitRequest, LimitStore } from '@incentive/rules';
import { RELEASE_LUA, RESERVE_LUA, defineScript, redisError, type ScriptRedis } from './scripts.js';

export interface LimitStoreDeps {
  redis: ScriptRedis;
  /** Prepended to every counter key (before `inc:`); must not contain braces. */
  keyPrefix?: string;
  /** Called per refused request, for the per-rule limit-blocked metric. */
  onBlocked?: (ruleId: string, scope: string) => void;
}

const reserveScript = defineScript(RESERVE_LUA);
const releaseScript = defineScript(RELEASE_LUA);

/** The Redis Cluster hash tag of a key: the text between the first `{` and the next `}`. */
function slotOf(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
}

interface Part {
  request: number;
  counters: LimitCounter[];
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
export function createRedisLimitStore(deps: LimitStoreDeps): LimitStore {
  const { redis } = deps;
  const prefix = deps.keyPrefix ?? '';
  if (/[{}]/.test(prefix)) throw new Error('limit store key prefix: must not contain "{" or "}"');
  const fullKey = (c: LimitCounter) => `${prefix}inc:${c.key}`;

  async function runSlot(requests: readonly LimitRequest[], call: SlotCall): Promise<boolean[]> {
    const keys: string[] = [];
    const args: (string | number)[] = [call.parts.length];
    for (const part of call.parts) {
      const r = requests[part.request]!;
      args.push(r.id, r.atMs, part.counters.length);
      for (const c of part.counters) {
        keys.push(fullKey(c));
        args.push(c.sinceMs === null ? '-inf' : `(${c.sinceMs}`, c.max, c.amount, c.scope === 'budget' ? 'b' : 'c');
      }
    }
    const out = (await reserveScript.run(redis, keys, args)) as number[];
    return call.parts.map((_, i) => out[i] === 1);
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

  async function step(requests: readonly LimitRequest[], calls: SlotCall[], ok: boolean[], taken: Part[]): Promise<void> {
    const answers = await Promise.all(calls.map((call) => runSlot(requests, call)));
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

  return {
    async reserve(requests) {
      const ok = requests.map(() => true);
      if (requests.length === 0) return ok;
      try {
        const taken: Part[] = [];
        await step(requests, group(requests, () => true, true), ok, taken);
        await step(requests, group(requests, (i) => ok[i]!, false), ok, taken);
        const giveBack = taken.filter((p) => !ok[p.request]);
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
    },
  };
}
