-- Shared head of every script (prepended at build time).
--
-- A comment is one field of the article's comment hash, its value a
-- MessagePack array, in this order:
local ST, LIKES, REPLIES, CTIME, PARENT, AUTHOR, NAME, BODY = 1, 2, 3, 4, 5, 6, 7, 8
-- DETAIL: what moderation found (opaque to scripts: a serialized
-- comments.v1.QueueItem); REPORTS: distinct reporters; REPORTS_SEEN: reports
-- a moderator had seen when last approving it; FEATURED: when a moderator
-- featured it (microseconds), 0 or absent when not featured.
local DETAIL, REPORTS, REPORTS_SEEN, FEATURED = 9, 10, 11, 12
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

-- Returns the record as stored: scripts hand comments to the server in
-- this form, and it decodes them (DecodeRecord in comment_store.cc).
local function save(comments, id, rec)
  local packed = cmsgpack.pack(rec)
  redis.call('HSET', comments, id, packed)
  return packed
end

-- Hot score: log2 of engagement plus age credit; see docs/hot-ranking.md.
-- half_life_s: seconds of age worth a doubling of engagement.
local HOT_EPOCH_S = 1577836800  -- 2020-01-01T00:00:00Z
local function hot_score(rec, half_life_s, reply_weight)
  local engagement = rec[LIKES] + reply_weight * rec[REPLIES]
  return math.log(1 + engagement) / math.log(2) +
         (rec[CTIME] / 1e6 - HOT_EPOCH_S) / half_life_s
end

-- Errors are '<WORD> <detail>': Redis counts them by the word (INFO
-- errorstats), and the server decodes them by it (store/store_error.cc).
local function chain_error(parent, grandparent)
  return {err = 'CHAIN ' .. parent .. '|' .. (grandparent or '')}
end

-- Adjusts a user's contribution count; the hash's length is the article's
-- participant count.
local function contribute(participants, user, delta)
  local n = redis.call('HINCRBY', participants, user, delta)
  if n <= 0 then redis.call('HDEL', participants, user) end
end

-- The top level's newest index is a bitmap: bit N is set while comment N is
-- a visible top-level comment. Ids are the article's sequence numbers, so it
-- costs one bit per comment of the article, where a sorted set costs about
-- 100 bytes per entry. A reply's newest index is a sorted set scored by id:
-- replies are few, and a bitmap would span the whole article's ids.
local function index_newest(newest, parent, id, visible)
  if parent == '' then
    redis.call('SETBIT', newest, tonumber(id), visible and 1 or 0)
  elseif visible then
    redis.call('ZADD', newest, tonumber(id), id)
  else
    redis.call('ZREM', newest, id)
  end
end

-- Makes a comment visible: into its two indexes, the counts, and its
-- parent's reply count and rank. The caller has set rec[ST] = PUBLISHED and
-- saves rec.
local function publish(comments, stats, participants, newest, hot, parent_hot,
                       id, rec, half_life, reply_weight)
  index_newest(newest, rec[PARENT], id, true)
  redis.call('ZADD', hot, hot_score(rec, half_life, reply_weight), id)
  redis.call('HINCRBY', stats, 'n', 1)
  contribute(participants, rec[AUTHOR], 1)
  local parent = rec[PARENT]
  if parent ~= '' then
    local prec = load(comments, parent)
    prec[REPLIES] = prec[REPLIES] + 1
    save(comments, parent, prec)
    redis.call('ZADD', parent_hot, 'XX',
               hot_score(prec, half_life, reply_weight), parent)
  end
end

-- Undoes publish() and drops the comment's likes and its feature. The caller
-- sets the new status and saves rec.
local function unpublish(comments, stats, participants, newest, hot,
                         parent_hot, likers, featured, id, rec, half_life,
                         reply_weight)
  index_newest(newest, rec[PARENT], id, false)
  redis.call('ZREM', hot, id)
  if (rec[FEATURED] or 0) ~= 0 then
    redis.call('ZREM', featured, id)
    rec[FEATURED] = 0
  end
  redis.call('HINCRBY', stats, 'n', -1)
  contribute(participants, rec[AUTHOR], -1)
  for _, user in ipairs(redis.call('SMEMBERS', likers)) do
    contribute(participants, user, -1)
  end
  redis.call('DEL', likers)
  rec[LIKES] = 0
  local parent = rec[PARENT]
  if parent ~= '' then
    local prec = load(comments, parent)
    prec[REPLIES] = prec[REPLIES] - 1
    save(comments, parent, prec)
    redis.call('ZADD', parent_hot, 'XX',
               hot_score(prec, half_life, reply_weight), parent)
  end
end

-- Checks the caller's guess of a comment's parent and grandparent (see the
-- top of this file); returns an error reply when it is wrong, else nil.
local function check_chain(comments, rec, parent_guess, grandparent_guess)
  local parent = rec[PARENT]
  local prec
  if parent ~= '' then prec = load(comments, parent) end
  if parent ~= parent_guess or (prec and prec[PARENT] ~= grandparent_guess) then
    return chain_error(parent, prec and prec[PARENT])
  end
  return nil
end
