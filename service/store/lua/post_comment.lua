-- Stores a new comment or reply with the status moderation and the
-- article's policy give it, publishes or queues it, and records the
-- idempotency key, all at once.
-- Returns {created (0|1), policy, id, record as stored}; errors NOTFOUND,
-- CHAIN, CLOSED, RATE <posts> <ms left>, DUPLICATE <id>, NOREPLAY.
-- KEYS and ARGV, in order (PostCommentCall in script_calls.h builds them):
local comments_key = KEYS[1]      -- comment hash
local stats_key = KEYS[2]         -- stats hash
local participants_key = KEYS[3]  -- participants
local newest_key = KEYS[4]        -- newest index the comment goes into
local hot_key = KEYS[5]           -- hot index the comment goes into
local idem_key = KEYS[6]          -- idempotency key (ignored when idem is '')
local parent_hot_key = KEYS[7]    -- hot index holding the parent (ignored
                                  -- for a top-level comment)
local pending_key = KEYS[8]       -- the article's pending queue
local post_count_key = KEYS[9]    -- the author's posts in this window
                                  -- (flood control)
local last_post_key = KEYS[10]    -- the author's last post on the article
                                  -- (duplicates)
local parent = ARGV[1]            -- parent id or ''
local grandparent = ARGV[2]       -- the parent's parent as the caller guesses
local author = ARGV[3]            -- author id
local author_name = ARGV[4]       -- author name
local body = ARGV[5]              -- body (masked if masked)
local idem = ARGV[6]              -- idempotency key or ''
local idem_ttl = tonumber(ARGV[7])         -- its lifetime (s)
local half_life = tonumber(ARGV[8])        -- hot half-life (s)
local reply_weight = tonumber(ARGV[9])     -- a reply's weight in likes
local verdict = ARGV[10]          -- moderation verdict: allow|mask|review|block
local default_policy = ARGV[11]   -- policy when the article has none: post|pre
local detail = ARGV[12]           -- moderation detail (opaque)
local post_limit = tonumber(ARGV[13])      -- most posts per window (0: none)
local post_window = ARGV[14]               -- the window (ms)
local duplicate_window = tonumber(ARGV[15])  -- refuse the author's last
                                             -- text again within (ms; 0:
                                             -- allowed)
local replay_only = ARGV[16] == '1'  -- '1': only answer a retry found by its
                                     -- idempotency key, else NOREPLAY and
                                     -- change nothing (a flood limit refused
                                     -- a new post)

local policy = redis.call('HGET', stats_key, 'policy') or default_policy

local function answer(created, id, packed)
  return {created, policy, id, packed}
end

if idem ~= '' then
  local first = redis.call('GET', idem_key)
  if first then
    local packed = redis.call('HGET', comments_key, first)
    if packed then return answer(0, first, packed) end
  end
end
if replay_only then return {err = 'NOREPLAY no earlier post with this key'} end
if policy == 'closed' then
  return {err = 'CLOSED this article is closed to new comments'}
end

if parent ~= '' then
  local prec = load(comments_key, parent)
  if not prec or prec[ST] ~= PUBLISHED then
    return {err = 'NOTFOUND parent_id ' .. parent}
  end
  if prec[PARENT] ~= grandparent then return chain_error(prec[PARENT]) end
end

-- Flood control, checked after everything else that refuses a post, and
-- counting only posts that were stored (blocked ones included).
if post_limit > 0 then
  local posted = tonumber(redis.call('GET', post_count_key) or '0')
  if posted >= post_limit then
    return {err = 'RATE ' .. posted .. ' ' ..
                  redis.call('PTTL', post_count_key)}
  end
end
if duplicate_window > 0 then
  local last = redis.call('HMGET', last_post_key, 'b', 'p', 'i')
  if last[1] == body and last[2] == parent then
    return {err = 'DUPLICATE ' .. last[3]}
  end
end

local status = PUBLISHED
if verdict == 'block' then status = REJECTED
elseif verdict == 'review' or policy == 'pre' then status = PENDING end

local now = redis.call('TIME')
local seq = redis.call('HINCRBY', stats_key, 'seq', 1)
local id = tostring(seq)
local ctime = tonumber(now[1]) * 1000000 + tonumber(now[2])
local rec = {status, 0, 0, ctime, parent, author, author_name, body, detail,
             0, 0}
if status == PUBLISHED then
  publish(comments_key, stats_key, participants_key, newest_key, hot_key,
          parent_hot_key, id, rec, half_life, reply_weight)
elseif status == PENDING then
  redis.call('ZADD', pending_key, ctime, id)
end
local packed = save(comments_key, id, rec)
if post_limit > 0 and redis.call('INCR', post_count_key) == 1 then
  redis.call('PEXPIRE', post_count_key, post_window)
end
if duplicate_window > 0 then
  redis.call('HSET', last_post_key, 'b', body, 'p', parent, 'i', id)
  redis.call('PEXPIRE', last_post_key, duplicate_window)
end
if idem ~= '' then
  redis.call('SET', idem_key, id, 'EX', idem_ttl)
end
return answer(1, id, packed)
