-- Stores a new comment or reply with the status moderation and the
-- article's policy give it, publishes or queues it, and records the
-- idempotency key, all at once.
-- KEYS[1] comment hash       KEYS[2] stats hash      KEYS[3] participants
-- KEYS[4] newest index and KEYS[5] hot index the comment goes into
-- KEYS[6] idempotency key (ignored when ARGV[6] is '')
-- KEYS[7] hot index holding the parent (ignored for a top-level comment)
-- KEYS[8] the article's pending queue
-- KEYS[9] the author's post count in this window (flood control)
-- KEYS[10] the author's last post on the article (duplicates)
-- ARGV[1] parent id or ''    ARGV[2] the parent's parent as the caller guesses
-- ARGV[3] author id  ARGV[4] author name  ARGV[5] body (masked if masked)
-- ARGV[6] idempotency key or ''  ARGV[7] its lifetime in seconds
-- ARGV[8] hot half-life (s)  ARGV[9] reply weight
-- ARGV[10] moderation verdict: allow|mask|review|block
-- ARGV[11] policy when the article has none: post|pre
-- ARGV[12] moderation detail (opaque)
-- ARGV[13] most posts per window (0: no limit)  ARGV[14] the window (ms)
-- ARGV[15] duplicate window (ms; 0: duplicates allowed)
-- Returns {created (0|1), policy, id, record as stored}; errors NOTFOUND,
-- CHAIN, CLOSED, RATE <posts> <ms left>, DUPLICATE <id>.
local comments, stats, participants = KEYS[1], KEYS[2], KEYS[3]
local parent, idem = ARGV[1], ARGV[6]
local half_life, reply_weight = tonumber(ARGV[8]), tonumber(ARGV[9])
local policy = redis.call('HGET', stats, 'policy') or ARGV[11]

local function answer(created, id, packed)
  return {created, policy, id, packed}
end

if idem ~= '' then
  local first = redis.call('GET', KEYS[6])
  if first then
    local packed = redis.call('HGET', comments, first)
    if packed then return answer(0, first, packed) end
  end
end
if policy == 'closed' then
  return {err = 'CLOSED this article is closed to new comments'}
end

if parent ~= '' then
  local prec = load(comments, parent)
  if not prec or prec[ST] ~= PUBLISHED then
    return {err = 'NOTFOUND parent_id ' .. parent}
  end
  if prec[PARENT] ~= ARGV[2] then return chain_error(prec[PARENT]) end
end

-- Flood control, checked after everything else that refuses a post, and
-- counting only posts that were stored (blocked ones included).
local limit, duplicate_ms = tonumber(ARGV[13]), tonumber(ARGV[15])
if limit > 0 then
  local posted = tonumber(redis.call('GET', KEYS[9]) or '0')
  if posted >= limit then
    return {err = 'RATE ' .. posted .. ' ' .. redis.call('PTTL', KEYS[9])}
  end
end
if duplicate_ms > 0 then
  local last = redis.call('HMGET', KEYS[10], 'b', 'p', 'i')
  if last[1] == ARGV[5] and last[2] == parent then
    return {err = 'DUPLICATE ' .. last[3]}
  end
end

local verdict = ARGV[10]
local status = PUBLISHED
if verdict == 'block' then status = REJECTED
elseif verdict == 'review' or policy == 'pre' then status = PENDING end

local now = redis.call('TIME')
local seq = redis.call('HINCRBY', stats, 'seq', 1)
local id = tostring(seq)
local ctime = tonumber(now[1]) * 1000000 + tonumber(now[2])
local rec = {status, 0, 0, ctime, parent, ARGV[3], ARGV[4], ARGV[5], ARGV[12],
             0, 0}
if status == PUBLISHED then
  publish(comments, stats, participants, KEYS[4], KEYS[5], KEYS[7], id, rec,
          half_life, reply_weight)
elseif status == PENDING then
  redis.call('ZADD', KEYS[8], ctime, id)
end
local packed = save(comments, id, rec)
if limit > 0 and redis.call('INCR', KEYS[9]) == 1 then
  redis.call('PEXPIRE', KEYS[9], ARGV[14])
end
if duplicate_ms > 0 then
  redis.call('HSET', KEYS[10], 'b', ARGV[5], 'p', parent, 'i', id)
  redis.call('PEXPIRE', KEYS[10], duplicate_ms)
end
if idem ~= '' then
  redis.call('SET', KEYS[6], id, 'EX', tonumber(ARGV[7]))
end
return answer(1, id, packed)
