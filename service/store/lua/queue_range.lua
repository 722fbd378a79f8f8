-- Reads entries of a sorted set in ascending order after a cursor: the
-- moderation queues across all articles.
-- KEYS[1] the sorted set
-- ARGV[1] cursor score or '' for the start   ARGV[2] cursor member
-- ARGV[3] how many at most   ARGV[4] highest score to return, or '+inf'
-- Returns a flat array of (member, score).
local key, limit, last = KEYS[1], tonumber(ARGV[3]), ARGV[4]
if ARGV[1] == '' then
  return redis.call('ZRANGEBYSCORE', key, '-inf', last, 'WITHSCORES',
                    'LIMIT', 0, limit)
end
local out = {}
local ties = redis.call('ZRANGEBYSCORE', key, ARGV[1], ARGV[1], 'WITHSCORES')
for i = 1, #ties, 2 do
  if #out >= 2 * limit then return out end
  if ties[i] > ARGV[2] then
    table.insert(out, ties[i])
    table.insert(out, ties[i + 1])
  end
end
local rest = redis.call('ZRANGEBYSCORE', key, '(' .. ARGV[1], last,
                        'WITHSCORES', 'LIMIT', 0, limit - #out / 2)
for i = 1, #rest do table.insert(out, rest[i]) end
return out
