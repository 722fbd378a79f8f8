-- Takes one place in a flood counter: one subject's (a user's or a client
-- address's) recent actions of one kind, across all articles, as a sliding
-- window. The counter is a sorted set of action ids scored by when they
-- were taken (ms, Redis's clock); ids older than the window leave on the
-- next call, and the key expires a window after its newest id. A place is
-- given back by ZREM of its id (FloodStore::Refund), which is exact: it
-- removes that action and nothing else, and nothing once it has left.
-- Returns {taken (0|1), actions in the window (this one included when
-- taken), ms until a place frees (0 when taken)}.
-- KEYS and ARGV, in order (FloodTakeCall in script_calls.h builds them):
local counter_key = KEYS[1]       -- the subject's counter (sorted set)
local member = ARGV[1]            -- this action's id (unique, random)
local limit = tonumber(ARGV[2])   -- most actions in any window (> 0)
local window = tonumber(ARGV[3])  -- the window (ms, > 0)

local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', counter_key, '-inf', now_ms - window)
local n = redis.call('ZCARD', counter_key)
if n >= limit then
  -- A place frees when the action that puts the count at the limit leaves:
  -- the oldest, unless the limit was lowered while more were counted.
  local frees = redis.call('ZRANGE', counter_key, n - limit, n - limit,
                           'WITHSCORES')
  return {0, n, tonumber(frees[2]) + window - now_ms}
end
redis.call('ZADD', counter_key, now_ms, member)
redis.call('PEXPIRE', counter_key, window)
return {1, n + 1, 0}
