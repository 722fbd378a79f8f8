-- Records one user's report of a visible comment, and queues the comment
-- when its unseen reports reach the threshold.
-- KEYS[1] comment hash   KEYS[2] the comment's reports hash (user -> reason)
-- KEYS[3] the article's reported queue
-- ARGV[1] comment id   ARGV[2] user id   ARGV[3] reason   ARGV[4] threshold
-- Returns {report count, queued now (0|1), time queued (us)}; errors
-- NOTFOUND.
local comments, id = KEYS[1], ARGV[1]
local rec = load(comments, id)
if not rec or rec[ST] ~= PUBLISHED then
  return {err = 'NOTFOUND comment_id ' .. id}
end
local queued, when = 0, 0
if redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[3]) == 1 then
  rec[REPORTS] = (rec[REPORTS] or 0) + 1
  save(comments, id, rec)
  if rec[REPORTS] - (rec[REPORTS_SEEN] or 0) >= tonumber(ARGV[4]) and
     not redis.call('ZSCORE', KEYS[3], id) then
    local now = redis.call('TIME')
    when = tonumber(now[1]) * 1000000 + tonumber(now[2])
    redis.call('ZADD', KEYS[3], when, id)
    queued = 1
  end
end
return {rec[REPORTS], queued, when}
