-- Deletes a comment on its author's request, leaving a tombstone so that
-- its replies keep their place.
-- KEYS[1] comment hash   KEYS[2] stats hash   KEYS[3] participants
-- KEYS[4] newest index and KEYS[5] hot index holding the comment
-- KEYS[6] hot index holding the parent (ignored for a top-level comment)
-- KEYS[7] the comment's likers set
-- ARGV[1] comment id   ARGV[2] its parent as guessed   ARGV[3] the parent's
-- parent as guessed   ARGV[4] user asking   ARGV[5] hot half-life (s)
-- ARGV[6] reply weight
-- Returns 1; errors NOTFOUND, DENIED, CHAIN.
local comments, stats, participants = KEYS[1], KEYS[2], KEYS[3]
local id = ARGV[1]
local rec = load(comments, id)
if not rec then return {err = 'NOTFOUND comment_id ' .. id} end
if rec[AUTHOR] ~= ARGV[4] then
  return {err = 'DENIED only the author may delete this comment'}
end
if rec[ST] == DELETED then return 1 end

local parent = rec[PARENT]
local prec
if parent ~= '' then prec = load(comments, parent) end
if parent ~= ARGV[2] or (prec and prec[PARENT] ~= ARGV[3]) then
  return chain_error(parent, prec and prec[PARENT])
end

if rec[ST] == PUBLISHED then
  redis.call('ZREM', KEYS[4], id)
  redis.call('ZREM', KEYS[5], id)
  redis.call('HINCRBY', stats, 'n', -1)
  contribute(participants, rec[AUTHOR], -1)
  for _, user in ipairs(redis.call('SMEMBERS', KEYS[7])) do
    contribute(participants, user, -1)
  end
  if prec then
    prec[REPLIES] = prec[REPLIES] - 1
    save(comments, parent, prec)
    if prec[ST] == PUBLISHED then
      redis.call('ZADD', KEYS[6], 'XX',
                 hot(prec, tonumber(ARGV[5]), tonumber(ARGV[6])), parent)
    end
  end
end
redis.call('DEL', KEYS[7])
rec[ST], rec[LIKES], rec[NAME], rec[BODY] = DELETED, 0, '', ''
save(comments, id, rec)
return 1
