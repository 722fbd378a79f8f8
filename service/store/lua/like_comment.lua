-- Adds or withdraws one user's like, moving like_count and the hot rank
-- together.
-- Returns {like_count, liked (0|1), changed (0|1: 0 when the user already
-- liked, or did not like, it)}; errors NOTFOUND, CHAIN.
-- KEYS and ARGV, in order (LikeCommentCall in script_calls.h builds them):
local comments_key = KEYS[1]      -- comment hash
local likers_key = KEYS[2]        -- the comment's likers set
local hot_key = KEYS[3]           -- hot index holding the comment
local participants_key = KEYS[4]  -- participants
local liked_key = KEYS[5]         -- the comments the user likes (read by
                                  -- lists for their viewer)
local id = ARGV[1]                -- comment id
local parent = ARGV[2]            -- its parent as the caller guesses
local user = ARGV[3]              -- user id
local like = ARGV[4] == '1'       -- '1' to like, '0' to unlike
local half_life = tonumber(ARGV[5])        -- hot half-life (s)
local reply_weight = tonumber(ARGV[6])     -- a reply's weight in likes

local rec = load(comments_key, id)
if not rec or rec[ST] ~= PUBLISHED then
  return {err = 'NOTFOUND comment_id ' .. id}
end
if rec[PARENT] ~= parent then return chain_error(rec[PARENT]) end

local changed
if like then changed = redis.call('SADD', likers_key, user)
else changed = redis.call('SREM', likers_key, user) end
if changed == 1 then
  if like then redis.call('SADD', liked_key, id)
  else redis.call('SREM', liked_key, id) end
  local delta = like and 1 or -1
  rec[LIKES] = rec[LIKES] + delta
  save(comments_key, id, rec)
  redis.call('ZADD', hot_key, 'XX', hot_score(rec, half_life, reply_weight),
             id)
  contribute(participants_key, user, delta)
end
return {rec[LIKES], like and 1 or 0, changed}
