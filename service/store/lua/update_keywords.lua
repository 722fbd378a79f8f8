-- Changes the shared lexicon and bumps its version, so every replica
-- reloads it.
-- KEYS[1] words hash (word -> category TAB action[ TAB scope])
-- KEYS[2] words by name (zset, all scores 0)   KEYS[3] version counter
-- KEYS[4] seeded flag
-- ARGV[1] 'seed' to apply only if the lexicon was never seeded, else 'update'
-- ARGV[2] number of additions N, then N (word, category, action) triples,
-- the action followed by "TAB scope" when the keyword has a scope, then the
-- words to remove.
-- Returns {keyword count, version}.
local words, index, version, seeded = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
if ARGV[1] == 'seed' and redis.call('SET', seeded, '1', 'NX') == false then
  return {redis.call('HLEN', words), tonumber(redis.call('GET', version) or 0)}
end
local adds = tonumber(ARGV[2])
local i = 3
for _ = 1, adds do
  redis.call('HSET', words, ARGV[i], ARGV[i + 1] .. '\t' .. ARGV[i + 2])
  redis.call('ZADD', index, 0, ARGV[i])
  i = i + 3
end
while i <= #ARGV do
  redis.call('HDEL', words, ARGV[i])
  redis.call('ZREM', index, ARGV[i])
  i = i + 1
end
return {redis.call('HLEN', words), redis.call('INCR', version)}
