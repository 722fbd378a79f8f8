-- Reads entries of a sorted set in ascending order after a cursor: the
-- moderation queues across all articles.
-- Returns a flat array of (member, score).
-- KEYS and ARGV, in order (QueueRangeCall in script_calls.h builds them):
local queue_key = KEYS[1]         -- the sorted set
local after_score = ARGV[1]       -- cursor score or '' for the start
local after_member = ARGV[2]      -- cursor member
local limit = tonumber(ARGV[3])   -- how many at most
local max_score = ARGV[4]         -- highest score to return, or '+inf'

if after_score == '' then
  return redis.call('ZRANGEBYSCORE', queue_key, '-inf', max_score,
                    'WITHSCORES', 'LIMIT', 0, limit)
end
local out = {}
local ties = redis.call('ZRANGEBYSCORE', queue_key, after_score, after_score,
                        'WITHSCORES')
for i = 1, #ties, 2 do
  if #out >= 2 * limit then return out end
  if ties[i] > after_member then
    table.insert(out, ties[i])
    table.insert(out, ties[i + 1])
  end
end
local rest = redis.call('ZRANGEBYSCORE', queue_key, '(' .. after_score,
                        max_score, 'WITHSCORES', 'LIMIT', 0, limit - #out / 2)
for i = 1, #rest do table.insert(out, rest[i]) end
return out
