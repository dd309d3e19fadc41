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
 * Commit of many customers in one call (the customers of one chunk, or of one Cluster hash slot).
 * Writes each customer's new state and applied-event records, only if nobody wrote any of these
 * customers since we read them (version check); otherwise writes nothing. Because the state and the
 * "applied" marks change together, a crash leaves either both or neither: a redelivered event is
 * either re-applied from scratch or recognised as applied, never half of each.
 * KEYS: per customer, its state key then its applied-event keys; then the keys of the absent checks.
 * ARGV: dedupe window ms, number of customers, then per customer: expected version, state JSON,
 * number of applied keys, then per applied key: origin, published flag, outbox. Then, optionally,
 * the number of absent checks and per check: its number of (key, member) pairs, then the members
 * (a check fails when any of its members is in its sorted set: see AbsentMembers in facts-store.ts).
 * Returns {1, new version per customer}, or, writing nothing, {0, number of stale customers,
 * 1-based indexes of the customers whose version moved, 1-based indexes of the failed checks}.
 */
export const COMMIT_LUA = `
local ttl = ARGV[1]
local n = tonumber(ARGV[2])
local stale = {}
local a, k = 3, 1
for c = 1, n do
  local cur = redis.call('HGET', KEYS[k], 'v') or '0'
  if cur ~= ARGV[a] then stale[#stale + 1] = c end
  local m = tonumber(ARGV[a + 2])
  a = a + 3 + m * 3
  k = k + 1 + m
end
local present = {}
local checks = tonumber(ARGV[a] or '0')
a = a + 1
for i = 1, checks do
  local p = tonumber(ARGV[a])
  a = a + 1
  local hit = false
  for j = 1, p do
    if not hit and redis.call('ZSCORE', KEYS[k], ARGV[a]) then hit = true end
    k = k + 1
    a = a + 1
  end
  if hit then present[#present + 1] = i end
end
if #stale > 0 or #present > 0 then
  local out = { 0, #stale }
  for _, c in ipairs(stale) do out[#out + 1] = c end
  for _, i in ipairs(present) do out[#out + 1] = i end
  return out
end
local out = { 1 }
a, k = 3, 1
for c = 1, n do
  local nv = tonumber(redis.call('HGET', KEYS[k], 'v') or '0') + 1
  redis.call('HSET', KEYS[k], 'v', nv, 's', ARGV[a + 1])
  out[c + 1] = nv
  local m = tonumber(ARGV[a + 2])
  a = a + 3
  for i = 1, m do
    local key = KEYS[k + i]
    if ARGV[a + 2] == '' then
      redis.call('HSET', key, 'o', ARGV[a], 'p', ARGV[a + 1])
    else
      redis.call('HSET', key, 'o', ARGV[a], 'p', ARGV[a + 1], 'out', ARGV[a + 2])
    end
    redis.call('PEXPIRE', key, ttl)
    a = a + 3
  end
  k = k + 1 + m
end
return out
`;

/**
 * Reads many customers in one call: per customer its state (version, and the JSON unless the
 * caller's cached version is current: hot customers would otherwise be sent on every chunk) and,
 * per applied-event key, its origin, published flag and outbox.
 * KEYS: per customer, its state key then its applied-event keys. ARGV: per customer: number of
 * applied keys, cached version ('' for none). Returns per customer: v, s, then 3 fields per key.
 */
export const LOAD_LUA = `
local out = {}
local k, a = 1, 1
while a <= #ARGV do
  local m = tonumber(ARGV[a])
  local v = redis.call('HGET', KEYS[k], 'v')
  out[#out + 1] = v
  if v and v ~= ARGV[a + 1] then out[#out + 1] = redis.call('HGET', KEYS[k], 's') else out[#out + 1] = false end
  for i = 1, m do
    local r = redis.call('HMGET', KEYS[k + i], 'o', 'p', 'out')
    out[#out + 1] = r[1]
    out[#out + 1] = r[2]
    out[#out + 1] = r[3]
  end
  k = k + 1 + m
  a = a + 2
end
return out
`;

/**
 * After the outbox was acknowledged by Kafka: mark published and drop the outbox copy, for all
 * given applied-event keys (of the customers of one chunk, or of one hash slot). Never recreates an
 * expired key.
 */
export const MARK_PUBLISHED_LUA = `
local n = 0
for i = 1, #KEYS do
  -- HDEL answers 1 only when the record (and its outbox) exists, so an expired one stays gone.
  if redis.call('HDEL', KEYS[i], 'out') == 1 then
    redis.call('HSET', KEYS[i], 'p', '1')
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
