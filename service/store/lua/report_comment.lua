-- Records one user's report of a visible comment, and queues the comment
-- when its unseen reports reach the threshold.
-- Returns {report count, queued now (0|1), time queued (us), added (0|1:
-- 0 when the user had reported it before)}; errors NOTFOUND.
-- KEYS and ARGV, in order (ReportCommentCall in script_calls.h builds them):
local comments_key = KEYS[1]      -- comment hash
local reports_key = KEYS[2]       -- the comment's reports (user -> reason)
local reported_key = KEYS[3]      -- the article's reported queue
local id = ARGV[1]                -- comment id
local user = ARGV[2]              -- user id
local reason = ARGV[3]            -- reason
local threshold = tonumber(ARGV[4])        -- unseen reports that queue it

local rec = load(comments_key, id)
if not rec or rec[ST] ~= PUBLISHED then
  return {err = 'NOTFOUND comment_id ' .. id}
end
local queued, when = 0, 0
local added = redis.call('HSETNX', reports_key, user, reason)
if added == 1 then
  rec[REPORTS] = (rec[REPORTS] or 0) + 1
  save(comments_key, id, rec)
  if rec[REPORTS] - (rec[REPORTS_SEEN] or 0) >= threshold and
     not redis.call('ZSCORE', reported_key, id) then
    local now = redis.call('TIME')
    when = tonumber(now[1]) * 1000000 + tonumber(now[2])
    redis.call('ZADD', reported_key, when, id)
    queued = 1
  end
end
return {rec[REPORTS], queued, when, added}
