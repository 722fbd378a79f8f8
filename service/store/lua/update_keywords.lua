-- Changes the shared lexicon and bumps its version, so every replica
-- reloads it.
-- Returns {keyword count, version}.
-- KEYS and ARGV, in order (UpdateKeywordsCall in script_calls.h builds
-- them):
local words_key = KEYS[1]         -- words hash (word -> category TAB
                                  -- action[ TAB scope])
local index_key = KEYS[2]         -- words by name (zset, all scores 0)
local version_key = KEYS[3]       -- version counter
local seeded_key = KEYS[4]        -- seeded flag
local stamp_key = KEYS[5]         -- stamp, new with every change
local seed = ARGV[1] == 'seed'    -- 'seed' to apply only if the lexicon was
                                  -- never seeded, else 'update'
local stamp = ARGV[2]             -- a random stamp for this change
local adds = tonumber(ARGV[3])    -- number of additions N
-- ARGV[4...]: N (word, category, action) triples, the action followed by
-- "TAB scope" when the keyword has a scope, then the words to remove.

if seed and redis.call('SET', seeded_key, '1', 'NX') == false then
  return {redis.call('HLEN', words_key),
          tonumber(redis.call('GET', version_key) or 0)}
end
local i = 4
for _ = 1, adds do
  redis.call('HSET', words_key, ARGV[i], ARGV[i + 1] .. '\t' .. ARGV[i + 2])
  redis.call('ZADD', index_key, 0, ARGV[i])
  i = i + 3
end
while i <= #ARGV do
  redis.call('HDEL', words_key, ARGV[i])
  redis.call('ZREM', index_key, ARGV[i])
  i = i + 1
end
redis.call('SET', stamp_key, stamp)
return {redis.call('HLEN', words_key), redis.call('INCR', version_key)}
