-- Features a visible comment (精选), or takes the feature back. A featured
-- comment is in the article's featured index, by the time it was featured,
-- and its record says so; unpublish() takes both back.
-- Returns the record as stored; errors NOTFOUND (featuring a comment that is
-- not visible).
-- KEYS and ARGV, in order (FeatureCommentCall in script_calls.h builds them):
local comments_key = KEYS[1]      -- comment hash
local featured_key = KEYS[2]      -- the article's featured index
local id = ARGV[1]                -- comment id
local feature = ARGV[2] == '1'    -- '1' to feature, '0' to take it back

local rec = load(comments_key, id)
if not rec or (feature and rec[ST] ~= PUBLISHED) then
  return {err = 'NOTFOUND comment_id ' .. id}
end
local since = rec[FEATURED] or 0
if feature and since == 0 then
  -- A hole before the new field would turn the array into a map.
  for i = #rec + 1, FEATURED - 1 do rec[i] = 0 end
  local now = redis.call('TIME')
  rec[FEATURED] = tonumber(now[1]) * 1000000 + tonumber(now[2])
  redis.call('ZADD', featured_key, rec[FEATURED], id)
  return save(comments_key, id, rec)
elseif not feature and since ~= 0 then
  rec[FEATURED] = 0
  redis.call('ZREM', featured_key, id)
  return save(comments_key, id, rec)
end
return redis.call('HGET', comments_key, id)
