-- Deletes a comment on its author's request, leaving a tombstone so that
-- its replies keep their place.
-- KEYS[1] comment hash   KEYS[2] stats hash   KEYS[3] participants
-- KEYS[4] newest index and KEYS[5] hot index holding the comment
-- KEYS[6] hot index holding the parent (ignored for a top-level comment)
-- KEYS[7] the comment's likers set
-- KEYS[8] pending queue   KEYS[9] reported queue (the article's)
-- KEYS[10] the article's featured index
-- ARGV[1] comment id   ARGV[2] its parent as guessed   ARGV[3] the parent's
-- parent as guessed   ARGV[4] user asking   ARGV[5] hot half-life (s)
-- ARGV[6] reply weight
-- Returns the queues it left ('' | 'pending' | 'reported'); errors NOTFOUND,
-- DENIED, CHAIN.
local comments, id = KEYS[1], ARGV[1]
local rec = load(comments, id)
if not rec then return {err = 'NOTFOUND comment_id ' .. id} end
if rec[AUTHOR] ~= ARGV[4] then
  return {err = 'DENIED only the author may delete this comment'}
end
if rec[ST] == DELETED then return '' end
local wrong = check_chain(comments, rec, ARGV[2], ARGV[3])
if wrong then return wrong end

if rec[ST] == PUBLISHED then
  unpublish(comments, KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7],
            KEYS[10], id, rec, tonumber(ARGV[5]), tonumber(ARGV[6]))
end
local left = ''
if redis.call('ZREM', KEYS[8], id) == 1 then left = 'pending' end
if redis.call('ZREM', KEYS[9], id) == 1 then left = 'reported' end
rec[ST], rec[NAME], rec[BODY] = DELETED, '', ''
save(comments, id, rec)
return left
