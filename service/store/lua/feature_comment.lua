-- Features a visible comment (精选), or takes the feature back. A featured
-- comment is in the article's featured index, by the time it was featured,
-- and its record says so; unpublish() takes both back.
-- KEYS[1] comment hash   KEYS[2] the article's featured index
-- ARGV[1] comment id   ARGV[2] '1' to feature, '0' to take it back
-- Returns the record as stored; errors NOTFOUND (featuring a comment that is
-- not visible).
local comments, featured, id = KEYS[1], KEYS[2], ARGV[1]
local rec = load(comments, id)
local feature = ARGV[2] == '1'
if not rec or (feature and rec[ST] ~= PUBLISHED) then
  return {err = 'NOTFOUND comment_id ' .. id}
end
local since = rec[FEATURED] or 0
if feature and since == 0 then
  -- A hole before the new field would turn the array into a map.
  for i = #rec + 1, FEATURED - 1 do rec[i] = 0 end
  local now = redis.call('TIME')
  rec[FEATURED] = tonumber(now[1]) * 1000000 + tonumber(now[2])
  redis.call('ZADD', featured, rec[FEATURED], id)
  return save(comments, id, rec)
elseif not feature and since ~= 0 then
  rec[FEATURED] = 0
  redis.call('ZREM', featured, id)
  return save(comments, id, rec)
end
return redis.call('HGET', comments, id)
