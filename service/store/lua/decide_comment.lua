-- Applies a moderator's decision to one comment of a queue.
-- Returns {status after, queue left ('' when the decision was already in
-- force or the comment was in no queue), 1 when a rejection 'anywhere'
-- unpublished a comment that was in no queue, else 0}; errors NOTFOUND,
-- NOTQUEUED, CHAIN.
-- KEYS and ARGV, in order (DecideCommentCall in script_calls.h builds them):
local comments_key = KEYS[1]      -- comment hash
local stats_key = KEYS[2]         -- stats hash
local participants_key = KEYS[3]  -- participants
local newest_key = KEYS[4]        -- newest index the comment belongs in
local hot_key = KEYS[5]           -- hot index the comment belongs in
local parent_hot_key = KEYS[6]    -- hot index holding the parent (ignored
                                  -- for a top-level comment)
local likers_key = KEYS[7]        -- the comment's likers set
local pending_key = KEYS[8]       -- the article's pending queue
local reported_key = KEYS[9]      -- the article's reported queue
local featured_key = KEYS[10]     -- the article's featured index
local id = ARGV[1]                -- comment id
local parent = ARGV[2]            -- its parent as guessed
local grandparent = ARGV[3]       -- the parent's parent as guessed
local approve = ARGV[4] == 'approve'       -- 'approve' or 'reject'
local queue = ARGV[5]             -- pending|reported|any|anywhere (any,
                                  -- and a rejection also unpublishes a
                                  -- published comment in no queue)
local half_life = tonumber(ARGV[6])        -- hot half-life (s)
local reply_weight = tonumber(ARGV[7])     -- a reply's weight in likes

local rec = load(comments_key, id)
if not rec then return {err = 'NOTFOUND comment_id ' .. id} end
local wrong = check_chain(comments_key, rec, parent, grandparent)
if wrong then return wrong end

local pending = queue ~= 'reported' and redis.call('ZSCORE', pending_key, id)
local reported = queue ~= 'pending' and redis.call('ZSCORE', reported_key, id)
local left = ''
if pending then
  redis.call('ZREM', pending_key, id)
  left = 'pending'
  if approve then
    rec[ST] = PUBLISHED
    publish(comments_key, stats_key, participants_key, newest_key, hot_key,
            parent_hot_key, id, rec, half_life, reply_weight)
  else
    rec[ST] = REJECTED
  end
elseif reported then
  redis.call('ZREM', reported_key, id)
  left = 'reported'
  if approve then
    rec[REPORTS_SEEN] = rec[REPORTS] or 0
  else
    unpublish(comments_key, stats_key, participants_key, newest_key, hot_key,
              parent_hot_key, likers_key, featured_key, id, rec, half_life,
              reply_weight)
    rec[ST] = REJECTED
  end
elseif queue == 'anywhere' and not approve and rec[ST] == PUBLISHED then
  unpublish(comments_key, stats_key, participants_key, newest_key, hot_key,
            parent_hot_key, likers_key, featured_key, id, rec, half_life,
            reply_weight)
  rec[ST] = REJECTED
  save(comments_key, id, rec)
  return {rec[ST], '', 1}
else
  local in_force = (approve and rec[ST] == PUBLISHED) or
                   (not approve and rec[ST] == REJECTED)
  if not in_force then
    return {err = 'NOTQUEUED comment_id ' .. id}
  end
  return {rec[ST], '', 0}
end
save(comments_key, id, rec)
return {rec[ST], left, 0}
