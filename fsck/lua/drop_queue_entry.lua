-- Takes one stale entry out of a cross-article queue index (mq:{q}:*), but
-- only while it holds the score fsck saw: an entry queued again since then
-- (with a new time) stays.
-- Returns 1 when it took the entry out, else 0.
-- KEYS and ARGV, in order (DropStaleQueueEntry in fsck/fsck.cc builds them):
local queue_key = KEYS[1]         -- the cross-article queue index
local member = ARGV[1]            -- ARTICLE/ID
local score = ARGV[2]             -- the score fsck saw

local now = redis.call('ZSCORE', queue_key, member)
if now and tonumber(now) == tonumber(score) then
  redis.call('ZREM', queue_key, member)
  return 1
end
return 0
