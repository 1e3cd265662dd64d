/**
 * Single-key Lua scripts: each runs atomically on the key's own shard, so they work unchanged on
 * Redis Cluster. Entry layout: see cache-entry.ts.
 */

/**
 * Take a lease before loading a missing row from the database.
 * ARGV: token, lease ttl ms. Returns 'OK' (lease taken), 'BUSY' (another reader holds one), or the
 * current raw value when a value appeared since the caller's read.
 */
export const acquireLeaseScript = `
local current = redis.call('GET', KEYS[1])
local base = '${'0'.repeat(19)}'
if current then
  local tag = string.sub(current, 1, 1)
  if tag == 'L' then return 'BUSY' end
  if tag ~= 'I' then return current end
  base = string.sub(current, 3, 21)
end
redis.call('SET', KEYS[1], 'L|' .. base .. '|' .. ARGV[1], 'PX', ARGV[2])
return 'OK'
`;

/**
 * Store a row loaded by the read path, only if our lease is still in place: any change applied
 * since the lease was taken replaced it, and then this (possibly stale) row is dropped.
 * ARGV: token, tag ('F' or 'N'), payload, ttl ms. Returns 1 if stored, 0 if rejected.
 */
export const fillScript = `
local current = redis.call('GET', KEYS[1])
if not current or string.sub(current, 1, 1) ~= 'L' or string.sub(current, 23) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2] .. '|' .. string.sub(current, 3, 21) .. '|' .. ARGV[3], 'PX', ARGV[4])
return 1
`;

/**
 * Apply one CDC change, version-guarded: an equal or older version is a replay and changes nothing.
 * ARGV: version (19 digits), kind ('R' write row, 'I' invalidate, 'D' delete), payload, ttl ms.
 * A row written over a read-path fill or lease becomes an invalidation instead: the fill may already
 * reflect a newer database state than this change (the consumer can lag behind readers), so the next
 * read goes to the database rather than going back in time.
 * Returns 1 if applied, 0 if skipped as stale.
 */
export const applyChangeScript = `
local current = redis.call('GET', KEYS[1])
local kind = ARGV[2]
if current then
  if string.sub(current, 3, 21) >= ARGV[1] then return 0 end
  local tag = string.sub(current, 1, 1)
  if kind == 'R' and (tag == 'F' or tag == 'N' or tag == 'L') then kind = 'I' end
end
if kind == 'R' then
  redis.call('SET', KEYS[1], 'R|' .. ARGV[1] .. '|' .. ARGV[3], 'PX', ARGV[4])
else
  redis.call('SET', KEYS[1], kind .. '|' .. ARGV[1] .. '|', 'PX', ARGV[4])
end
return 1
`;

/**
 * Turn whatever entry a key holds into an invalidation at the same version (repair of a stale or
 * resurrected entry): the next read refills from the database, and the version memory is kept so
 * a replay older than it still cannot land. ARGV: ttl ms. Returns 1 if the key existed.
 */
export const invalidateKeepingVersionScript = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
redis.call('SET', KEYS[1], 'I|' .. string.sub(current, 3, 21) .. '|', 'PX', ARGV[1])
return 1
`;
