import { createHash } from 'node:crypto';
import { RetryableError } from '@incentive/platform';

/** The one ioredis call a script needs; both `Redis` and `Cluster` have it. */
export interface ScriptRedis {
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface Script {
  run(redis: ScriptRedis, keys: string[], args: (string | number)[]): Promise<unknown>;
}

/** EVALSHA first (no script body on the wire), EVAL once when the server does not know it yet. */
export function defineScript(lua: string): Script {
  const sha = createHash('sha1').update(lua).digest('hex');
  return {
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (err instanceof Error && err.message.startsWith('NOSCRIPT')) {
          return redis.eval(lua, keys.length, ...keys, ...args);
        }
        throw err;
      }
    },
  };
}

/** Wraps driver failures (connection refused, timeouts, LOADING) as retryable. */
export function redisError(op: string, err: unknown): RetryableError {
  const reason = err instanceof Error ? err.message : String(err);
  return new RetryableError(`redis ${op} failed: ${reason}`, { cause: err });
}

/**
 * Per-customer commit. Writes the new state and the applied-event records in one atomic step, only if
 * nobody wrote the customer since we read it (version check). Because the state and the "applied"
 * marks change together, a crash leaves either both or neither: a redelivered event is either
 * re-applied from scratch or recognised as applied, never half of each.
 * KEYS[1] state, KEYS[2..] applied-event keys.
 * ARGV[1] expected version, ARGV[2] state JSON, ARGV[3] dedupe window ms, then per applied key:
 * origin, published flag, outbox JSON.
 */
export const COMMIT_LUA = `
local cur = redis.call('HGET', KEYS[1], 'v') or '0'
if cur ~= ARGV[1] then return -1 end
local nv = tonumber(cur) + 1
redis.call('HSET', KEYS[1], 'v', nv, 's', ARGV[2])
for i = 2, #KEYS do
  local j = 4 + (i - 2) * 3
  redis.call('HSET', KEYS[i], 'o', ARGV[j], 'p', ARGV[j + 1], 'out', ARGV[j + 2])
  redis.call('PEXPIRE', KEYS[i], ARGV[3])
end
return nv
`;

/**
 * Reads one customer in one call: the state (version, JSON) and, per applied-event key, its
 * origin, published flag and outbox. KEYS[1] state, KEYS[2..] applied-event keys. ARGV[1]: the
 * version the caller has cached; when it is current the state JSON is not sent (hot customers
 * have the largest states).
 */
export const LOAD_LUA = `
local v = redis.call('HGET', KEYS[1], 'v')
local out = { v, false }
if v and v ~= ARGV[1] then out[2] = redis.call('HGET', KEYS[1], 's') end
for i = 2, #KEYS do
  local r = redis.call('HMGET', KEYS[i], 'o', 'p', 'out')
  local b = 2 + (i - 2) * 3
  out[b + 1] = r[1]
  out[b + 2] = r[2]
  out[b + 3] = r[3]
end
return out
`;

/**
 * After the outbox was acknowledged by Kafka: mark published and drop the outbox copy, for all
 * given applied-event keys of one customer. Never recreates an expired key.
 */
export const MARK_PUBLISHED_LUA = `
local n = 0
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('HSET', KEYS[i], 'p', '1')
    redis.call('HDEL', KEYS[i], 'out')
    n = n + 1
  end
end
return n
`;

/**
 * Sliding-window check-and-consume over sorted sets scored by event time, all keys in one slot.
 * Several requests, handled in order (request i sees what requests < i consumed); each request is
 * all-or-nothing over its counters in this slot. Members are `<requestId>|<amount>`: a request whose
 * member is already present was granted before and consumes nothing again (idempotent replay).
 * Usage counts everything after the window start, later event times included, so no window ending
 * at any time ever holds more than its cap, whatever order workers see events in.
 * ARGV: nRequests, then per request: id, atMs, nCounters, then per counter: since (ZRANGE syntax),
 * max, amount, mode (`c` count: ZCOUNT; `b` budget: sum of member amounts). KEYS: one per counter.
 * Returns nRequests answers (1/0), then one hint per counter (KEYS order): for a counter that
 * refused, the score S such that the counter refuses the same amount under the same cap for every
 * window start < S (members only ever get added, so usage over such a window can only be larger);
 * `+inf` when it refuses whatever the window; false otherwise. The caller may answer such repeats
 * without a round trip (see limit-store.ts).
 */
export const RESERVE_LUA = `
local res = {}
local hints = {}
local k = 1
local a = 2
local n = tonumber(ARGV[1])
for r = 1, n do
  local id, at, nc = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2])
  a = a + 3
  local ok = true
  local todo = {}
  for c = 1, nc do
    local key = KEYS[k]
    local since, max, amount, mode = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), ARGV[a + 3]
    hints[k] = false
    local member = id .. '|' .. ARGV[a + 2]
    if not redis.call('ZSCORE', key, member) then
      if mode == 'c' then
        local used = redis.call('ZCOUNT', key, since, '+inf')
        if used + amount > max then
          ok = false
          -- dropping the 'skip' oldest members of the window still refuses; the next one decides
          local skip = used - (max - amount + 1)
          local m = redis.call('ZRANGEBYSCORE', key, since, '+inf', 'WITHSCORES', 'LIMIT', skip, 1)
          hints[k] = m[2] or '+inf'
        end
      else
        local ms = redis.call('ZRANGEBYSCORE', key, since, '+inf', 'WITHSCORES')
        local used = 0
        for i = 1, #ms, 2 do used = used + tonumber(string.match(ms[i], '|([%d.]+)$')) end
        if used + amount > max then
          ok = false
          local rem = used
          local bound = '+inf'
          for i = 1, #ms, 2 do
            local amt = tonumber(string.match(ms[i], '|([%d.]+)$'))
            if rem - amt + amount > max then rem = rem - amt else bound = ms[i + 1]; break end
          end
          hints[k] = bound
        end
      end
      todo[#todo + 1] = { key, member }
    end
    k = k + 1
    a = a + 4
  end
  if ok then
    for _, t in ipairs(todo) do redis.call('ZADD', t[1], at, t[2]) end
    res[r] = 1
  else
    res[r] = 0
  end
end
for i = 1, k - 1 do res[n + i] = hints[i] end
return res
`;

/**
 * Checks whether any of the given members is present (KEYS[i] holds ARGV[i]?): used to confirm that
 * a refusal answered from memory did not concern a request granted by an earlier run. Returns 1/0.
 */
export const ANY_MEMBER_LUA = `
for i = 1, #KEYS do
  if redis.call('ZSCORE', KEYS[i], ARGV[i]) then return 1 end
end
return 0
`;

/** Compensation: gives back reservations (ZREM per key/member pair). */
export const RELEASE_LUA = `
for i = 1, #KEYS do
  redis.call('ZREM', KEYS[i], ARGV[i])
end
return #KEYS
`;
