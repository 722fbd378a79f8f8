-- Checks that everything derived in one article agrees with what it is
-- derived from, and with 'repair' also puts right what disagrees, all in one
-- atomic step over the article's slot, so a write of the live service is
-- never lost between reading and repairing. (prelude.lua, prepended, gives
-- the record layout, load/save and hot_score.)
--
-- The truth: each comment's record (c:{A}:c: status, parent, author,
-- featured time) and each visible comment's likers set. Derived from them,
-- and checked here: a record's like and reply counts; the article's visible
-- count (s.n) and sequence (s.seq, never behind an id); the participants;
-- the newest bitmap and the hot index of the top level; each parent's reply
-- indexes; the featured index; the pending queue (every pending comment,
-- nothing else); the reported queue (visible comments only); each user's
-- liked set (exactly the visible comments they are a liker of; ids of
-- comments no longer visible may stay); idempotency and last-post keys
-- (name a comment of their author; idempotency keys expire). A record never
-- changes but in the counts and feature derived from other data, and no
-- comment's data is deleted: what cannot be derived (a record that cannot
-- be decoded, and then all of its article; a reply whose parent is
-- missing; likers of a missing comment) is reported as not repairable.
--
-- Returns {'NEED', ids, users} when the caller left out keys the article
-- needs (ids of records, users named by records, likers or participants):
-- the caller calls again with them. Otherwise {'DONE', findings, pending
-- queue, reported queue}: findings are {kind, key, detail, repairable
-- (0|1)}; the queues flat (member, score) arrays, after any repair.
--
-- KEYS and ARGV, in order (ArticleCheck in fsck/fsck.cc builds them):
--   KEYS[1..8]: comments hash, stats hash, participants, newest bitmap, hot
--     index, featured index, pending queue, reported queue; then three per
--     id of ARGV's id list: its likers set, its replies' newest and hot
--     indexes; then one per user of ARGV's user list: the user's liked set;
--     then one per extra key of ARGV's extra list.
--   ARGV: mode ('check'|'repair'), hot half-life (s), a reply's weight in
--     likes, the idempotency keys' lifetime (s); then a count and the ids;
--     a count and the users; a count and, per extra key, its kind ('i' an
--     idempotency key, 'd' a last-post hash) and its user.
local comments_key, stats_key, participants_key = KEYS[1], KEYS[2], KEYS[3]
local newest_key, hot_key, featured_key = KEYS[4], KEYS[5], KEYS[6]
local pending_key, reported_key = KEYS[7], KEYS[8]
local repair = ARGV[1] == 'repair'
local half_life = tonumber(ARGV[2])
local reply_weight = tonumber(ARGV[3])
local idem_ttl = tonumber(ARGV[4])

local ids, id_at = {}, {}
local a = 5
for i = 1, tonumber(ARGV[a]) do
  ids[i] = ARGV[a + i]
  id_at[ids[i]] = i
end
a = a + #ids + 1
local users, user_at = {}, {}
for i = 1, tonumber(ARGV[a]) do
  users[i] = ARGV[a + i]
  user_at[users[i]] = i
end
a = a + #users + 1
local extras = {}
for i = 1, tonumber(ARGV[a]) do
  extras[i] = {ARGV[a + 2 * i - 1], ARGV[a + 2 * i]}
end
local function likers_key(i) return KEYS[8 + 3 * (i - 1) + 1] end
local function rnewest_key(i) return KEYS[8 + 3 * (i - 1) + 2] end
local function rhot_key(i) return KEYS[8 + 3 * (i - 1) + 3] end
local function liked_key(u) return KEYS[8 + 3 * #ids + u] end
local function extra_key(e) return KEYS[8 + 3 * #ids + #users + e] end

-- Every record, and every user the article names: the keys must cover them.
local recs, bad = {}, {}
local need_ids, need_users, needed = {}, {}, {}
local function need_user(u)
  if not user_at[u] and not needed[u] then
    needed[u] = true
    need_users[#need_users + 1] = u
  end
end
local fields = redis.call('HGETALL', comments_key)
for i = 1, #fields, 2 do
  local id = fields[i]
  if not id_at[id] then need_ids[#need_ids + 1] = id end
  local ok, rec = pcall(cmsgpack.unpack, fields[i + 1])
  if ok and type(rec) == 'table' and type(rec[ST]) == 'number' and
     rec[ST] >= PUBLISHED and rec[ST] <= DELETED and
     type(rec[PARENT]) == 'string' and type(rec[AUTHOR]) == 'string' then
    recs[id] = rec
    need_user(rec[AUTHOR])
  else
    bad[id] = true
  end
end
local participants = {}
local flat = redis.call('HGETALL', participants_key)
for i = 1, #flat, 2 do
  participants[flat[i]] = tonumber(flat[i + 1])
  need_user(flat[i])
end
local likers, is_liker = {}, {}  -- index in ids -> members, -> {user -> true}
for i = 1, #ids do
  likers[i] = redis.call('SMEMBERS', likers_key(i))
  is_liker[i] = {}
  for _, u in ipairs(likers[i]) do
    need_user(u)
    is_liker[i][u] = true
  end
end
if #need_ids > 0 or #need_users > 0 then
  return {'NEED', need_ids, need_users}
end

-- With a record that cannot be decoded, what it holds (its status, author,
-- parent, likes) is unknown, so nothing of the article can be derived: all
-- is reported, nothing repaired.
local derivable = next(bad) == nil
repair = repair and derivable
local findings = {}
local function found(kind, key, detail, repairable)
  findings[#findings + 1] = {kind, key, detail,
                             (repairable and derivable) and 1 or 0}
end
local function visible(id) return recs[id] and recs[id][ST] == PUBLISHED end
local function top_level(id) return recs[id][PARENT] == '' end

-- What the records and likers say the derived data must be.
local count, contributions, replies = 0, {}, {}
local function contribute_to(user, n)
  contributions[user] = (contributions[user] or 0) + n
end
for id, rec in pairs(recs) do
  if rec[ST] == PUBLISHED then
    count = count + 1
    contribute_to(rec[AUTHOR], 1)
    for _, u in ipairs(likers[id_at[id]]) do contribute_to(u, 1) end
    if rec[PARENT] ~= '' then
      replies[rec[PARENT]] = (replies[rec[PARENT]] or 0) + 1
    end
  end
end

-- Records: counts, feature, parent, likers of what is not visible.
local max_id = 0
for id, rec in pairs(recs) do
  local n = tonumber(id)
  if n and n > max_id then max_id = n end
  local changed = false
  local likes = 0
  if rec[ST] == PUBLISHED then likes = #likers[id_at[id]] end
  if rec[LIKES] ~= likes then
    found('like_count', comments_key, id .. ': ' .. tostring(rec[LIKES]) ..
          ' likes, ' .. likes .. ' likers', true)
    rec[LIKES], changed = likes, true
  end
  if rec[REPLIES] ~= (replies[id] or 0) then
    found('reply_count', comments_key, id .. ': ' .. tostring(rec[REPLIES]) ..
          ' replies, ' .. (replies[id] or 0) .. ' visible', true)
    rec[REPLIES], changed = replies[id] or 0, true
  end
  if rec[ST] ~= PUBLISHED and (rec[FEATURED] or 0) ~= 0 then
    found('featured_not_visible', comments_key, id, true)
    rec[FEATURED], changed = 0, true
  end
  if rec[ST] ~= PUBLISHED and #likers[id_at[id]] > 0 then
    found('likers_not_visible', likers_key(id_at[id]), id, true)
    if repair then redis.call('DEL', likers_key(id_at[id])) end
  end
  if rec[PARENT] ~= '' and not recs[rec[PARENT]] and not bad[rec[PARENT]] then
    found('parent_missing', comments_key, id .. ': parent ' .. rec[PARENT],
          false)
  end
  if changed and repair then save(comments_key, id, rec) end
end
for id in pairs(bad) do
  found('record_undecodable', comments_key, id, false)
end
for i, id in ipairs(ids) do
  if not recs[id] and not bad[id] and #likers[i] > 0 then
    found('likers_of_missing', likers_key(i), id, false)
  end
end

-- Counts of the article.
local stats = redis.call('HMGET', stats_key, 'seq', 'n')
if (tonumber(stats[1]) or 0) < max_id then
  found('seq_behind', stats_key, 'seq ' .. tostring(stats[1]) ..
        ', highest id ' .. max_id, true)
  if repair then redis.call('HSET', stats_key, 'seq', max_id) end
end
if (tonumber(stats[2]) or 0) ~= count then
  found('comment_count', stats_key, 'n ' .. tostring(stats[2]) .. ', ' ..
        count .. ' visible', true)
  if repair then redis.call('HSET', stats_key, 'n', count) end
end
for user, n in pairs(contributions) do
  if participants[user] ~= n then
    found('participant', participants_key, user .. ': ' ..
          tostring(participants[user]) .. ', derived ' .. n, true)
    if repair then redis.call('HSET', participants_key, user, n) end
  end
end
for user, n in pairs(participants) do
  if not contributions[user] then
    found('participant', participants_key, user .. ': ' .. tostring(n) ..
          ', derived 0', true)
    if repair then redis.call('HDEL', participants_key, user) end
  end
end

-- A sorted set must hold exactly the members `want` maps to their scores:
-- stale members leave, missing ones come in, wrong scores are set again.
-- Members that name a record that cannot be decoded are left alone.
local function same(a, b)
  return math.abs(a - b) <= 1e-9 * math.max(1, math.abs(b))
end
local function reconcile(key, want, what)
  local have = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
  local seen = {}
  for i = 1, #have, 2 do
    local m, score = have[i], tonumber(have[i + 1])
    seen[m] = true
    if want[m] == nil then
      if not bad[m] then
        found(what .. '_stale', key, m, true)
        if repair then redis.call('ZREM', key, m) end
      end
    elseif not same(score, want[m]) then
      found(what .. '_score', key, m .. ': ' .. have[i + 1], true)
      if repair then redis.call('ZADD', key, want[m], m) end
    end
  end
  for m, score in pairs(want) do
    if not seen[m] then
      found(what .. '_missing', key, m, true)
      if repair then redis.call('ZADD', key, score, m) end
    end
  end
end

-- Indexes of the top level, and of each parent's replies.
local hot, featured, pending, reported_want = {}, {}, {}, {}
local rnewest, rhot = {}, {}  -- parent -> {id -> score}
for id, rec in pairs(recs) do
  if rec[ST] == PUBLISHED then
    local score = hot_score(rec, half_life, reply_weight)
    if rec[PARENT] == '' then
      hot[id] = score
    elseif id_at[rec[PARENT]] then
      local p = rec[PARENT]
      rnewest[p] = rnewest[p] or {}
      rhot[p] = rhot[p] or {}
      rnewest[p][id] = tonumber(id)
      rhot[p][id] = score
    end
    if (rec[FEATURED] or 0) ~= 0 then featured[id] = rec[FEATURED] end
  elseif rec[ST] == PENDING then
    pending[id] = rec[CTIME]
  end
end
reconcile(hot_key, hot, 'hot')
reconcile(featured_key, featured, 'featured')
reconcile(pending_key, pending, 'pending')
for i, id in ipairs(ids) do
  reconcile(rnewest_key(i), rnewest[id] or {}, 'replies_newest')
  reconcile(rhot_key(i), rhot[id] or {}, 'replies_hot')
end
-- The reported queue holds visible comments; which of them belong there
-- depends on the report threshold, so none is added.
local queued = redis.call('ZRANGE', reported_key, 0, -1)
for _, m in ipairs(queued) do
  if not visible(m) and not bad[m] then
    found('reported_stale', reported_key, m, true)
    if repair then redis.call('ZREM', reported_key, m) end
  end
end

-- The newest bitmap: bit N set exactly while comment N is a visible
-- top-level comment.
local bits = redis.call('GET', newest_key) or ''
for k = 1, #bits do
  local byte = string.byte(bits, k)
  if byte ~= 0 then
    for j = 0, 7 do
      if bit.band(byte, bit.rshift(128, j)) ~= 0 then
        local id = tostring(8 * (k - 1) + j)
        if not (visible(id) and top_level(id)) and not bad[id] then
          found('newest_stale', newest_key, id, true)
          if repair then redis.call('SETBIT', newest_key, tonumber(id), 0) end
        end
      end
    end
  end
end
for id in pairs(hot) do
  local n = tonumber(id)
  if n and redis.call('GETBIT', newest_key, n) == 0 then
    found('newest_missing', newest_key, id, true)
    if repair then redis.call('SETBIT', newest_key, n, 1) end
  end
end

-- Each user's liked set against the likers sets.
local liked_by = {}  -- index in users -> {id -> true}
for u, user in ipairs(users) do
  local liked = {}
  for _, id in ipairs(redis.call('SMEMBERS', liked_key(u))) do
    liked[id] = true
    if visible(id) and not is_liker[id_at[id]][user] then
      found('liked_extra', liked_key(u), id, true)
      if repair then redis.call('SREM', liked_key(u), id) end
    end
  end
  liked_by[u] = liked
end
for i, id in ipairs(ids) do
  if visible(id) then
    for _, user in ipairs(likers[i]) do
      local u = user_at[user]
      if not liked_by[u][id] then
        found('liked_missing', liked_key(u), id, true)
        if repair then redis.call('SADD', liked_key(u), id) end
      end
    end
  end
end

-- Idempotency keys and last-post hashes name a comment of their author.
for e, extra in ipairs(extras) do
  local kind, user, key = extra[1], extra[2], extra_key(e)
  local id
  if kind == 'i' then id = redis.call('GET', key)
  else id = redis.call('HGET', key, 'i') end
  if id and not bad[id] and
     not (recs[id] and recs[id][AUTHOR] == user) then
    found(kind == 'i' and 'idempotency_orphan' or 'last_post_orphan', key,
          id, true)
    if repair then redis.call('DEL', key) end
  elseif id and kind == 'i' and redis.call('TTL', key) == -1 then
    found('idempotency_no_expiry', key, id, true)
    if repair then redis.call('EXPIRE', key, idem_ttl) end
  end
end

return {'DONE', findings,
        redis.call('ZRANGE', pending_key, 0, -1, 'WITHSCORES'),
        redis.call('ZRANGE', reported_key, 0, -1, 'WITHSCORES')}
