-- Adds or withdraws one user's like, moving like_count and the hot rank
-- together.
-- KEYS[1] comment hash   KEYS[2] the comment's likers set
-- KEYS[3] hot index holding the comment   KEYS[4] participants
-- KEYS[5] the comments the user likes (read by lists for their viewer)
-- ARGV[1] comment id   ARGV[2] its parent as the caller guesses
-- ARGV[3] user id   ARGV[4] '1' to like, '0' to unlike
-- ARGV[5] hot half-life (s)   ARGV[6] reply weight
-- Returns {like_count, liked (0|1)}; errors NOTFOUND, CHAIN.
local comments, likers, id = KEYS[1], KEYS[2], ARGV[1]
local rec = load(comments, id)
if not rec or rec[ST] ~= PUBLISHED then
  return {err = 'NOTFOUND comment_id ' .. id}
end
if rec[PARENT] ~= ARGV[2] then return chain_error(rec[PARENT]) end

local user, like = ARGV[3], ARGV[4] == '1'
local changed
if like then changed = redis.call('SADD', likers, user)
else changed = redis.call('SREM', likers, user) end
if changed == 1 then
  if like then redis.call('SADD', KEYS[5], id)
  else redis.call('SREM', KEYS[5], id) end
  local delta = like and 1 or -1
  rec[LIKES] = rec[LIKES] + delta
  save(comments, id, rec)
  redis.call('ZADD', KEYS[3], 'XX',
             hot_score(rec, tonumber(ARGV[5]), tonumber(ARGV[6])), id)
  contribute(KEYS[4], user, delta)
end
return {rec[LIKES], like and 1 or 0}
