-- Adds a stored comment to its wave's copies, which RejectWave rejects
-- together; the copies expire with the wave. Returns 1, or 0 when the wave
-- has expired meanwhile (the copy is then not kept).
-- KEYS and ARGV, in order (WaveCopyCall in script_calls.h builds them):
local wave_key = KEYS[1]          -- wv:{W}:h
local copies_key = KEYS[2]        -- wv:{W}:c
local copy = ARGV[1]              -- "ARTICLE/ID"

local ttl = redis.call('PTTL', wave_key)
if ttl <= 0 then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', copies_key, now, copy)
redis.call('PEXPIRE', copies_key, ttl)
return 1
