-- Applies a moderator's decision to one comment of a queue.
-- KEYS[1] comment hash   KEYS[2] stats hash   KEYS[3] participants
-- KEYS[4] newest index and KEYS[5] hot index the comment belongs in
-- KEYS[6] hot index holding the parent (ignored for a top-level comment)
-- KEYS[7] the comment's likers set
-- KEYS[8] pending queue   KEYS[9] reported queue (the article's)
-- KEYS[10] the article's featured index
-- ARGV[1] comment id   ARGV[2] its parent as guessed   ARGV[3] the parent's
-- parent as guessed   ARGV[4] approve|reject   ARGV[5] pending|reported|any
-- ARGV[6] hot half-life (s)   ARGV[7] reply weight
-- Returns {status after, queue left ('' when the decision was already in
-- force)}; errors NOTFOUND, NOTQUEUED, CHAIN.
local comments, id = KEYS[1], ARGV[1]
local approve, queue = ARGV[4] == 'approve', ARGV[5]
local half_life, reply_weight = tonumber(ARGV[6]), tonumber(ARGV[7])
local rec = load(comments, id)
if not rec then return {err = 'NOTFOUND comment_id ' .. id} end
local wrong = check_chain(comments, rec, ARGV[2], ARGV[3])
if wrong then return wrong end

local pending = queue ~= 'reported' and redis.call('ZSCORE', KEYS[8], id)
local reported = queue ~= 'pending' and redis.call('ZSCORE', KEYS[9], id)
local left = ''
if pending then
  redis.call('ZREM', KEYS[8], id)
  left = 'pending'
  if approve then
    rec[ST] = PUBLISHED
    publish(comments, KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], id, rec,
            half_life, reply_weight)
  else
    rec[ST] = REJECTED
  end
elseif reported then
  redis.call('ZREM', KEYS[9], id)
  left = 'reported'
  if approve then
    rec[REPORTS_SEEN] = rec[REPORTS] or 0
  else
    unpublish(comments, KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7],
              KEYS[10], id, rec, half_life, reply_weight)
    rec[ST] = REJECTED
  end
else
  local in_force = (approve and rec[ST] == PUBLISHED) or
                   (not approve and rec[ST] == REJECTED)
  if not in_force then
    return {err = 'NOTQUEUED comment_id ' .. id}
  end
  return {rec[ST], ''}
end
save(comments, id, rec)
return {rec[ST], left}
