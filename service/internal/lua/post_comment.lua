-- Stores a new comment or reply, publishes it, and records the idempotency
-- key, all at once.
-- KEYS[1] comment hash       KEYS[2] stats hash      KEYS[3] participants
-- KEYS[4] newest index and KEYS[5] hot index the comment goes into
-- KEYS[6] idempotency key (ignored when ARGV[6] is '')
-- KEYS[7] hot index holding the parent (ignored for a top-level comment)
-- ARGV[1] parent id or ''    ARGV[2] the parent's parent as the caller guesses
-- ARGV[3] author id  ARGV[4] author name  ARGV[5] body
-- ARGV[6] idempotency key or ''  ARGV[7] its lifetime in seconds
-- ARGV[8] hot half-life (s)  ARGV[9] reply weight  ARGV[10] status to store
-- Returns {created (0|1), comment...}; errors NOTFOUND, CHAIN.
local comments, stats, participants = KEYS[1], KEYS[2], KEYS[3]
local parent, idem = ARGV[1], ARGV[6]
local half_life, reply_weight = tonumber(ARGV[8]), tonumber(ARGV[9])

if idem ~= '' then
  local first = redis.call('GET', KEYS[6])
  if first then
    local rec = load(comments, first)
    if rec then
      local out = emit(first, rec)
      table.insert(out, 1, 0)
      return out
    end
  end
end

local prec
if parent ~= '' then
  prec = load(comments, parent)
  if not prec or prec[ST] ~= PUBLISHED then
    return {err = 'NOTFOUND parent_id ' .. parent}
  end
  if prec[PARENT] ~= ARGV[2] then return chain_error(prec[PARENT]) end
end

local now = redis.call('TIME')
local seq = redis.call('HINCRBY', stats, 'seq', 1)
local id = tostring(seq)
local status = tonumber(ARGV[10])
local rec = {status, 0, 0, tonumber(now[1]) * 1000000 + tonumber(now[2]),
             parent, ARGV[3], ARGV[4], ARGV[5]}
save(comments, id, rec)

if status == PUBLISHED then
  redis.call('ZADD', KEYS[4], seq, id)
  redis.call('ZADD', KEYS[5], hot(rec, half_life, reply_weight), id)
  redis.call('HINCRBY', stats, 'n', 1)
  contribute(participants, ARGV[3], 1)
  if prec then
    prec[REPLIES] = prec[REPLIES] + 1
    save(comments, parent, prec)
    redis.call('ZADD', KEYS[7], 'XX', hot(prec, half_life, reply_weight), parent)
  end
end
if idem ~= '' then
  redis.call('SET', KEYS[6], id, 'EX', tonumber(ARGV[7]))
end
local out = emit(id, rec)
table.insert(out, 1, 1)
return out
