/**
 * The Lua scripts behind rate limits shared by several instances. Each runs atomically in Redis,
 * so two instances can never both take the last slot of a bucket. Time is Redis's own `TIME`:
 * the one clock every instance reads, so the instances' clock skew does not matter, and waits
 * are handed back relative (milliseconds from now).
 *
 * Keys of one identity share the hash tag `{<identity>}` (`bearer:<digest>`, never a token), so
 * each script touches one Redis Cluster slot:
 * - `…rate-limit:{id}:route:<route key>`: the bucket hash Discord sent for that route;
 * - `…rate-limit:{id}:bucket:<hash or route key>:<major>`: a hash of the bucket's state;
 * - `…rate-limit:{id}:global`: the identity's global 429 pause, if any;
 * - `…rate-limit:{id}:global-window`: the identity's latest requests, for the global limit (a
 *   sorted set: member a request's id, score the latest moment it can have reached Discord).
 *
 * Bucket fields: `limit`, `remaining`, `reset` (Redis ms, -1 while unknown), `window` (a counter:
 * answers of an earlier window do not count for the current one), `inflight` (requests of the
 * current window not answered yet), `windowMs` (the longest reset-after seen), `provisional`
 * (1 while `reset` is an estimate made when the window opened, before its first answer),
 * `unlimited` (the route answers without rate-limit headers) and `learning` (Redis ms until
 * which one request, sent alone, is learning an unknown bucket).
 */
import { RedisScript } from '../redis/redis-script.js'

/** Redis's clock in milliseconds, and the reading of a bucket's state. */
const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function num (value, default)
  local n = tonumber(value)
  if n == nil then return default end
  return n
end
local function bucketState (key)
  local f = redis.call('HMGET', key, 'limit', 'remaining', 'reset', 'window', 'inflight', 'windowMs', 'provisional', 'unlimited', 'learning')
  return {
    limit = num(f[1], -1), remaining = num(f[2], 0), reset = num(f[3], -1), window = num(f[4], 0),
    inflight = num(f[5], 0), windowMs = num(f[6], 0), provisional = num(f[7], 0), unlimited = num(f[8], 0),
    learning = num(f[9], 0)
  }
end
local function saveBucket (key, b, keepMs)
  redis.call('HSET', key, 'limit', b.limit, 'remaining', b.remaining, 'reset', b.reset, 'window', b.window,
    'inflight', b.inflight, 'windowMs', b.windowMs, 'provisional', b.provisional, 'unlimited', b.unlimited,
    'learning', b.learning)
  local last = math.max(b.reset, b.learning, now)
  redis.call('PEXPIRE', key, last - now + keepMs)
end
`

/**
 * Reserves a slot: KEYS route, global (the pause), bucket, global window; ARGV hash hint ('' when
 * unknown), global limit per second, learn ms (longest an attempt may take), poll ms, offset ms,
 * keep ms (idle lifetime), route lifetime ms, the request's id (its member in the global window).
 *
 * Returns `{'go', window, learning}`; `{'wait', ms, global}` for a rate-limit wait; `{'poll', ms}`
 * while an answer on its way will tell more (a learner's, a window's first), to ask again after
 * `ms`; or `{'hash', hash}` when Redis knows the route under another bucket hash than the hint:
 * the caller asks again with that hash.
 */
export const RESERVE = new RedisScript(`${PRELUDE}
local hint = ARGV[1]
local perSecond = tonumber(ARGV[2])
local learnMs = tonumber(ARGV[3])
local pollMs = tonumber(ARGV[4])
local offset = tonumber(ARGV[5])
local keepMs = tonumber(ARGV[6])
local routeLifetime = tonumber(ARGV[7])
local sent = ARGV[8]

local mapped = redis.call('GET', KEYS[1])
if mapped and mapped ~= hint then return {'hash', mapped} end
if not mapped and hint ~= '' then redis.call('SET', KEYS[1], hint, 'PX', routeLifetime) end

local paused = num(redis.call('HGET', KEYS[2], 'paused'), 0)
if paused > now then return {'wait', paused - now, 1} end
-- A sliding window over the latest requests, each at the latest moment it can have reached
-- Discord: while on its way, as late as an attempt may last; once answered, when SETTLE recorded
-- the answer. Discord's window starts when a request arrives, somewhere between its send and its
-- answer; counted from the answers, never from the sends, no window Discord counts holds more
-- than the limit, whatever the latency and its jitter.
local count = math.max(1, math.floor(perSecond))
local windowMs = math.ceil(1000 * count / perSecond) + offset
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - windowMs)
local nth = redis.call('ZREVRANGE', KEYS[4], count - 1, count - 1, 'WITHSCORES')
if nth[2] then
  local at = tonumber(nth[2])
  -- The limit's worth still on its way: their answers will say how long to wait.
  if at > now then return {'poll', pollMs} end
  return {'wait', at + windowMs - now, 1}
end

local b = bucketState(KEYS[3])
local learning = 0
if b.limit >= 0 and b.reset < 0 and b.remaining <= 0 and b.inflight == 0 then
  -- Out of room with no reset known and no answer to come: learn the bucket anew.
  b.limit = -1
end
if b.unlimited == 1 then
  -- Nothing to count.
elseif b.limit < 0 then
  -- Unknown bucket: one request learns it, alone across every instance.
  if b.learning > now then return {'poll', math.min(b.learning - now, pollMs)} end
  b.learning = now + learnMs
  b.inflight = b.inflight + 1
  learning = 1
  saveBucket(KEYS[3], b, keepMs)
else
  local expired = b.reset >= 0 and now >= b.reset
  -- A window opened on an estimate waits for its first answer, which gives the real reset.
  if expired and not (b.provisional == 1 and b.inflight > 0 and now < b.reset + learnMs) then
    b.window = b.window + 1
    b.remaining = b.limit
    b.inflight = 0
    if b.windowMs > 0 then
      b.reset = now + b.windowMs + offset
      b.provisional = 1
    else
      b.reset = -1
    end
    expired = false
  end
  if b.remaining <= 0 then
    if expired or b.reset < 0 then return {'poll', pollMs} end
    return {'wait', b.reset - now, 0}
  end
  b.remaining = b.remaining - 1
  b.inflight = b.inflight + 1
  saveBucket(KEYS[3], b, keepMs)
end

redis.call('ZADD', KEYS[4], now + learnMs, sent)
redis.call('PEXPIRE', KEYS[4], learnMs + windowMs)
return {'go', b.window, learning}
`)

/**
 * Records Discord's answer to a reserved request: KEYS route, global, the reserved bucket, the
 * bucket of the hash the answer named (the reserved one when it named none), global window; ARGV
 * window, learning (1/0), outcome (`answer`, `unlimited` or `none` when no answer came), limit,
 * remaining, reset-after ms (-1 for absent), hash ('' for none), 429 verdict (`bucket`,
 * `global` or ''), 429 wait ms, offset ms, keep ms, route lifetime ms, the request's id.
 */
export const SETTLE = new RedisScript(`${PRELUDE}
local window = tonumber(ARGV[1])
local learned = ARGV[2] == '1'
local outcome = ARGV[3]
local limit = tonumber(ARGV[4])
local remaining = tonumber(ARGV[5])
local resetAfter = tonumber(ARGV[6])
local hash = ARGV[7]
local verdict = ARGV[8]
local waitMs = tonumber(ARGV[9])
local offset = tonumber(ARGV[10])
local keepMs = tonumber(ARGV[11])
local routeLifetime = tonumber(ARGV[12])
local sent = ARGV[13]

-- The request can have reached Discord no later than now (XX: one already out of the window stays out).
redis.call('ZADD', KEYS[5], 'XX', now, sent)
if hash ~= '' then redis.call('SET', KEYS[1], hash, 'PX', routeLifetime) end

local from = bucketState(KEYS[3])
local current = from.window == window
if current and from.inflight > 0 then from.inflight = from.inflight - 1 end
if learned then from.learning = 0 end
if KEYS[4] ~= KEYS[3] then
  -- The bucket was reserved under its route; its state now lives under the hash Discord named.
  if learned then redis.call('DEL', KEYS[3]) else saveBucket(KEYS[3], from, keepMs) end
end
local b = from
if KEYS[4] ~= KEYS[3] then b = bucketState(KEYS[4]) end
local merged = KEYS[4] ~= KEYS[3]

if outcome == 'unlimited' then
  b.unlimited = 1
  b.learning = 0
elseif outcome == 'answer' then
  b.unlimited = 0
  if b.limit < 0 then
    -- The first answer of this bucket. Discord's figures include every request it has seen; one
    -- still on its way (a learner under another key, an answer recorded late) is not in them yet.
    if limit >= 0 then
      b.limit = limit
      b.window = b.window + 1
      if remaining >= 0 then b.remaining = remaining - b.inflight else b.remaining = limit - b.inflight end
      b.inflight = 0
      if resetAfter >= 0 then
        b.reset = now + resetAfter + offset
        b.windowMs = resetAfter
      else
        b.reset = -1
      end
      b.provisional = 0
    end
    b.learning = 0
  elseif (current and not learned) or merged then
    if limit >= 0 then b.limit = limit end
    -- Requests of this window still in flight may not be counted in Discord's figure yet.
    if remaining >= 0 then b.remaining = math.min(b.remaining, remaining - b.inflight) end
    if resetAfter >= 0 then
      local candidate = now + resetAfter + offset
      -- Every answer bounds the window's end from above (it left Discord before it got here).
      if b.provisional == 1 or b.reset < 0 then b.reset = candidate else b.reset = math.min(b.reset, candidate) end
      b.provisional = 0
      b.windowMs = math.max(b.windowMs, resetAfter)
    end
  elseif limit >= 0 then
    b.limit = limit
  end
end

if verdict == 'bucket' then
  if b.limit < 0 then
    -- Blocked before the limit was ever learned: after the wait, one request learns it.
    b.learning = math.max(b.learning, now + waitMs)
  else
    b.remaining = 0
    b.reset = math.max(b.reset, now + waitMs)
    b.provisional = 0
  end
elseif verdict == 'global' then
  local paused = math.max(tonumber(redis.call('HGET', KEYS[2], 'paused') or '0'), now + waitMs)
  redis.call('HSET', KEYS[2], 'paused', paused)
  redis.call('PEXPIRE', KEYS[2], paused - now + 1000)
end

if merged or learned or outcome ~= 'none' or verdict ~= '' or current then saveBucket(KEYS[4], b, keepMs) end
return 1
`)
