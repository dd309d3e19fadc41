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
 * Applied records are fields of one hash per customer and time bucket (keys.ts): one HSET and one
 * PEXPIREAT per customer, whatever its number of events.
 * KEYS: per customer, its state key then its applied-records key (this call's bucket); then the
 * keys of the absent checks.
 * ARGV: expiry of the records key (unix ms), number of customers, then per customer: expected
 * version, state JSON, number of applied records m, then m (event id, record) pairs. Then,
 * optionally, the number of absent checks and per check: its number of (key, member) pairs, then the
 * members (a check fails when any of its members is in its sorted set: see AbsentMembers in
 * facts-store.ts).
 * Returns {1, new version per customer}, or, writing nothing, {0, number of stale customers,
 * 1-based indexes of the customers whose version moved, 1-based indexes of the failed checks}.
 */
export const COMMIT_LUA = `
local at = ARGV[1]
local n = tonumber(ARGV[2])
local stale = {}
local cur = {}
local a, k = 3, 1
for c = 1, n do
  cur[c] = redis.call('HGET', KEYS[k], 'v') or '0'
  if cur[c] ~= ARGV[a] then stale[#stale + 1] = c end
  a = a + 3 + tonumber(ARGV[a + 2]) * 2
  k = k + 2
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
  local nv = tonumber(cur[c]) + 1
  redis.call('HSET', KEYS[k], 'v', nv, 's', ARGV[a + 1])
  out[c + 1] = nv
  local m = tonumber(ARGV[a + 2])
  a = a + 3
  if m > 0 then
    -- in slices: unpack() is bounded by the Lua C stack (LUAI_MAXCSTACK, 8000)
    local last = a + m * 2 - 1
    for from = a, last, 2000 do
      redis.call('HSET', KEYS[k + 1], unpack(ARGV, from, math.min(from + 1999, last)))
    end
    redis.call('PEXPIREAT', KEYS[k + 1], at)
    a = last + 1
  end
  k = k + 2
end
return out
`;

/**
 * Reads many customers in one call: per customer its state (version, and the JSON unless the
 * caller's cached version is current: hot customers would otherwise be sent on every chunk) and,
 * per event id, its applied record and the bucket it was found in.
 * KEYS: per customer, its state key then its applied-records keys (one per bucket to look in, the
 * same number b for every customer). ARGV: b, then per customer: number of event ids m, cached
 * version ('' for none), then the m ids. Returns per customer: v, s, then per id: record and
 * 1-based index of its bucket key, or false, false.
 */
export const LOAD_LUA = `
local nb = tonumber(ARGV[1])
local out = {}
local k, a = 1, 2
while a <= #ARGV do
  local m = tonumber(ARGV[a])
  local v = redis.call('HGET', KEYS[k], 'v')
  out[#out + 1] = v
  if v and v ~= ARGV[a + 1] then out[#out + 1] = redis.call('HGET', KEYS[k], 's') else out[#out + 1] = false end
  if m > 0 then
    local rec, where = {}, {}
    for b = 1, nb do
      -- in slices: unpack() is bounded by the Lua C stack (LUAI_MAXCSTACK, 8000)
      for from = 1, m, 2000 do
        local to = math.min(from + 1999, m)
        local r = redis.call('HMGET', KEYS[k + b], unpack(ARGV, a + 1 + from, a + 1 + to))
        for i = from, to do
          local x = r[i - from + 1]
          if x and not where[i] then
            rec[i] = x
            where[i] = b
          end
        end
      end
    end
    for i = 1, m do
      out[#out + 1] = rec[i] or false
      out[#out + 1] = where[i] or false
    end
  end
  k = k + 1 + nb
  a = a + 2 + m
end
return out
`;

/**
 * After the outbox was acknowledged by Kafka: mark records published (the value becomes '', which
 * drops the outbox copy). KEYS: applied-records keys (a customer's bucket). ARGV: per key, its
 * number of event ids, then the ids. Only records still there are marked: an expired one is not
 * recreated (it would make a later delivery of that id look like a duplicate).
 */
export const MARK_PUBLISHED_LUA = `
local n = 0
local a = 1
for i = 1, #KEYS do
  local m = tonumber(ARGV[a])
  -- in slices: unpack() is bounded by the Lua C stack (LUAI_MAXCSTACK, 8000)
  for from = a + 1, a + m, 1000 do
    local to = math.min(from + 999, a + m)
    local r = redis.call('HMGET', KEYS[i], unpack(ARGV, from, to))
    local fv = {}
    for j = from, to do
      if r[j - from + 1] then
        fv[#fv + 1] = ARGV[j]
        fv[#fv + 1] = ''
      end
    end
    if #fv > 0 then
      redis.call('HSET', KEYS[i], unpack(fv))
      n = n + #fv / 2
    end
  end
  a = a + 1 + m
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
