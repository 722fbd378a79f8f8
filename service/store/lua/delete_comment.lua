-- Deletes a comment on its author's request, leaving a tombstone so that
-- its replies keep their place.
-- Returns the queues it left ('' | 'pending' | 'reported'); errors NOTFOUND,
-- DENIED, CHAIN.
-- KEYS and ARGV, in order (DeleteCommentCall in script_calls.h builds them):
local comments_key = KEYS[1]      -- comment hash
local stats_key = KEYS[2]         -- stats hash
local participants_key = KEYS[3]  -- participants
local newest_key = KEYS[4]        -- newest index holding the comment
local hot_key = KEYS[5]           -- hot index holding the comment
local parent_hot_key = KEYS[6]    -- hot index holding the parent (ignored
                                  -- for a top-level comment)
local likers_key = KEYS[7]        -- the comment's likers set
local pending_key = KEYS[8]       -- the article's pending queue
local reported_key = KEYS[9]      -- the article's reported queue
local featured_key = KEYS[10]     -- the article's featured index
local id = ARGV[1]                -- comment id
local parent = ARGV[2]            -- its parent as guessed
local grandparent = ARGV[3]       -- the parent's parent as guessed
local user = ARGV[4]              -- user asking
local half_life = tonumber(ARGV[5])        -- hot half-life (s)
local reply_weight = tonumber(ARGV[6])     -- a reply's weight in likes

local rec = load(comments_key, id)
if not rec then return {err = 'NOTFOUND comment_id ' .. id} end
if rec[AUTHOR] ~= user then
  return {err = 'DENIED only the author may delete this comment'}
end
if rec[ST] == DELETED then return '' end
local wrong = check_chain(comments_key, rec, parent, grandparent)
if wrong then return wrong end

if rec[ST] == PUBLISHED then
  unpublish(comments_key, stats_key, participants_key, newest_key, hot_key,
            parent_hot_key, likers_key, featured_key, id, rec, half_life,
            reply_weight)
end
local left = ''
if redis.call('ZREM', pending_key, id) == 1 then left = 'pending' end
if redis.call('ZREM', reported_key, id) == 1 then left = 'reported' end
rec[ST], rec[NAME], rec[BODY] = DELETED, '', ''
save(comments_key, id, rec)
return left
