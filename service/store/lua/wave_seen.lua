-- Records one text of a copy-paste wave: its author and article, and the
-- wave's first text, times and count. The wave's keys live a window after
-- its last text while one account has posted it, the retention once two
-- have (then it is a wave moderators list).
-- Returns {accounts seen within the window (this one included), accounts
-- ever, articles ever}.
-- KEYS and ARGV, in order (WaveSeenCall in script_calls.h builds them):
local wave_key = KEYS[1]          -- wv:{W}:h
local accounts_key = KEYS[2]      -- wv:{W}:a
local articles_key = KEYS[3]      -- wv:{W}:r
local copies_key = KEYS[4]        -- wv:{W}:c
local author = ARGV[1]            -- the text's author
local article = ARGV[2]           -- the article it is posted to
local sample = ARGV[3]            -- the text, kept when it is the first
local window = tonumber(ARGV[4])  -- the detection window (ms)
local retention = tonumber(ARGV[5])  -- how long a wave is kept (ms)

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('HSETNX', wave_key, 'sample', sample) == 1 then
  redis.call('HSET', wave_key, 'first', now)
end
redis.call('HSET', wave_key, 'last', now)
redis.call('HINCRBY', wave_key, 'copies', 1)
redis.call('ZADD', accounts_key, now, author)
redis.call('ZADD', articles_key, now, article)
local recent = redis.call('ZCOUNT', accounts_key, now - window, '+inf')
local accounts = redis.call('ZCARD', accounts_key)
local ttl = window
if accounts >= 2 and retention > window then ttl = retention end
for _, key in ipairs({wave_key, accounts_key, articles_key, copies_key}) do
  redis.call('PEXPIRE', key, ttl)
end
return {recent, accounts, redis.call('ZCARD', articles_key)}
