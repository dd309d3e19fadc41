// Lua scripts. Each touches the keys of one hash tag only (one Redis Cluster slot).

/**
 * Purchase: mark the event applied (NX, so a redelivery changes nothing), keep the latest purchase
 * (ties: the later delivery wins, as in @incentive/facts), add the spend to the month, remember the
 * order's month for refunds.
 * KEYS: applied, lastPurchase (zset), lastPurchaseAt (hash), leaderboard (zset), orderMonth
 * ARGV: appliedTtlMs, customerId, ms, at, minor, month, keepMs
 * Returns 1 applied, 0 duplicate.
 */
export const APPLY_PURCHASE = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 0 end
local ms = tonumber(ARGV[3])
local current = redis.call('ZSCORE', KEYS[2], ARGV[2])
if (not current) or ms >= tonumber(current) then
  redis.call('ZADD', KEYS[2], ms, ARGV[2])
  redis.call('HSET', KEYS[3], ARGV[2], ARGV[4])
end
redis.call('ZINCRBY', KEYS[4], ARGV[5], ARGV[2])
redis.call('PEXPIRE', KEYS[4], ARGV[7])
redis.call('SET', KEYS[5], ARGV[6], 'NX', 'PX', ARGV[7])
return 1
`;

/**
 * Refund: lower the spend of the month the order counted in (resolved by the caller; the order's
 * month never changes once written).
 * KEYS: applied, leaderboard (zset); ARGV: appliedTtlMs, customerId, minor, keepMs
 * Returns 1 applied, 0 duplicate.
 */
export const APPLY_REFUND = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 0 end
redis.call('ZINCRBY', KEYS[2], -tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1
`;

/**
 * Points grant: add it to the expiry index (a member per grant, so a redelivery changes nothing)
 * and drop grants that expired more than keepMs before this one (long past any tick).
 * KEYS: pointsExpiry (zset); ARGV: member, expiresMs, keepMs
 * Returns 1 added, 0 already there.
 */
export const APPLY_POINTS_GRANT = `
local added = redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (tonumber(ARGV[2]) - tonumber(ARGV[3])))
return added
`;

/**
 * Birthday: move the customer to the set of the new MM-DD, if the birthday is still what the caller
 * read (compare-and-set; -1 asks the caller to read again).
 * KEYS: birthdayOf (hash), newSet, oldSet (= newSet when there was none)
 * ARGV: customerId, newMonthDay, oldMonthDay ('' when none)
 * Returns 1 changed, 0 unchanged, -1 retry.
 */
export const APPLY_BIRTHDAY = `
local current = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if current ~= ARGV[3] then return -1 end
if current == ARGV[2] then return 0 end
if current ~= '' then redis.call('SREM', KEYS[3], ARGV[1]) end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

/**
 * Lease: acquire when free (a new fencing token each time), or extend when already ours.
 * KEYS: lease, fence; ARGV: instanceId, ttlMs. Returns the value '<instanceId>|<token>' or false.
 */
export const LEASE_ACQUIRE = `
local v = redis.call('GET', KEYS[1])
if not v then
  local token = redis.call('INCR', KEYS[2])
  v = ARGV[1] .. '|' .. token
  redis.call('SET', KEYS[1], v, 'PX', ARGV[2])
  return v
end
if string.sub(v, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. '|' then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return v
end
return false
`;

/** KEYS: lease; ARGV: value, ttlMs. Returns 1 when still ours (extended), else 0. */
export const LEASE_RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

/** KEYS: lease; ARGV: value. Deletes the lease only when it is ours. */
export const LEASE_RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Fenced write of a completed tick: only the holder of lease value ARGV[1] may record it, and only
 * in order (a date at or before the last completed one is a re-run and changes nothing).
 * KEYS: lease, lastTick, ticks; ARGV: leaseValue, date, summaryJson
 * Returns 1 recorded, 2 already recorded, 0 not the lease holder.
 */
export const COMPLETE_TICK = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local last = redis.call('GET', KEYS[2])
if last and ARGV[2] <= last then return 2 end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
return 1
`;

/** KEYS: lease, lastTick; ARGV: leaseValue, date. First start only: SET NX under the lease. */
export const INIT_LAST_TICK = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
redis.call('SET', KEYS[2], ARGV[2], 'NX')
return redis.call('GET', KEYS[2])
`;
