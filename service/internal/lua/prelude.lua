-- Shared head of every script (prepended at build time).
--
-- A comment is one field of the article's comment hash, its value a
-- MessagePack array, in this order:
local ST, LIKES, REPLIES, CTIME, PARENT, AUTHOR, NAME, BODY = 1, 2, 3, 4, 5, 6, 7, 8
local PUBLISHED, PENDING, REJECTED, DELETED = 1, 2, 3, 4
-- Scripts never build key names: the caller passes every key in KEYS. The
-- index a comment sits in depends on its parent, which the caller may only
-- guess; a script that finds the guess wrong answers CHAIN with the truth
-- and changes nothing, and the caller calls again with the right keys.

local function load(comments, id)
  local raw = redis.call('HGET', comments, id)
  if not raw then return nil end
  return cmsgpack.unpack(raw)
end

local function save(comments, id, rec)
  redis.call('HSET', comments, id, cmsgpack.pack(rec))
end

-- The reply shape every script uses for a comment.
local function emit(id, rec)
  return {id, rec[ST], rec[LIKES], rec[REPLIES], rec[CTIME], rec[PARENT],
          rec[AUTHOR], rec[NAME], rec[BODY]}
end

-- Hot score: log2 of engagement plus age credit; see docs/hot-ranking.md.
-- half_life_s: seconds of age worth a doubling of engagement.
local HOT_EPOCH_S = 1577836800  -- 2020-01-01T00:00:00Z
local function hot(rec, half_life_s, reply_weight)
  local engagement = rec[LIKES] + reply_weight * rec[REPLIES]
  return math.log(1 + engagement) / math.log(2) +
         (rec[CTIME] / 1e6 - HOT_EPOCH_S) / half_life_s
end

local function chain_error(parent, grandparent)
  return {err = 'CHAIN|' .. parent .. '|' .. (grandparent or '')}
end

-- Adjusts a user's contribution count; the hash's length is the article's
-- participant count.
local function contribute(participants, user, delta)
  local n = redis.call('HINCRBY', participants, user, delta)
  if n <= 0 then redis.call('HDEL', participants, user) end
end
