-- Reads one page of an index, resuming after a cursor.
-- KEYS[1] comment hash   KEYS[2] the index (newest or hot, top or replies)
-- ARGV[1] 'desc' or 'asc'   ARGV[2] cursor score or '' for the first page
-- ARGV[3] cursor comment id   ARGV[4] how many to return at most
-- ARGV[5] the parent whose replies these are, or ''
-- Returns a flat array of (score, id, record) triples, the record as stored
-- (the server decodes it: cheaper there than a Lua table per comment here);
-- errors NOTFOUND when the parent does not exist.
--
-- The cursor is the (score, id) of the last comment returned. When that
-- comment still holds the same score, the page resumes right after its rank:
-- O(log n + page). When it has moved, the page resumes at the first entry
-- ordered after (score, id), which is the same place.
local comments, index = KEYS[1], KEYS[2]
local desc = ARGV[1] == 'desc'
local limit = tonumber(ARGV[4])
if ARGV[5] ~= '' and redis.call('HEXISTS', comments, ARGV[5]) == 0 then
  return {err = 'NOTFOUND parent_id ' .. ARGV[5]}
end

local entries = {}
local function take(flat, skip_until_after)
  for i = 1, #flat, 2 do
    if #entries >= limit then return end
    local member, score = flat[i], flat[i + 1]
    if not skip_until_after or skip_until_after(member, score) then
      table.insert(entries, {member, score})
    end
  end
end

if ARGV[2] == '' then
  if desc then
    take(redis.call('ZREVRANGE', index, 0, limit - 1, 'WITHSCORES'))
  else
    take(redis.call('ZRANGE', index, 0, limit - 1, 'WITHSCORES'))
  end
else
  local cscore, cid = ARGV[2], ARGV[3]
  local here = redis.call('ZSCORE', index, cid)
  if here and tonumber(here) == tonumber(cscore) then
    local rank
    if desc then rank = redis.call('ZREVRANK', index, cid)
    else rank = redis.call('ZRANK', index, cid) end
    if desc then
      take(redis.call('ZREVRANGE', index, rank + 1, rank + limit, 'WITHSCORES'))
    else
      take(redis.call('ZRANGE', index, rank + 1, rank + limit, 'WITHSCORES'))
    end
  else
    -- Ties on the cursor's score that sort after it, then lower scores.
    -- Redis orders equal scores by member bytes; Lua's < on strings agrees.
    local ties, rest
    if desc then
      ties = redis.call('ZREVRANGEBYSCORE', index, cscore, cscore, 'WITHSCORES')
      take(ties, function(m) return m < cid end)
      rest = redis.call('ZREVRANGEBYSCORE', index, '(' .. cscore, '-inf',
                        'WITHSCORES', 'LIMIT', 0, limit)
    else
      ties = redis.call('ZRANGEBYSCORE', index, cscore, cscore, 'WITHSCORES')
      take(ties, function(m) return m > cid end)
      rest = redis.call('ZRANGEBYSCORE', index, '(' .. cscore, '+inf',
                        'WITHSCORES', 'LIMIT', 0, limit)
    end
    take(rest)
  end
end

if #entries == 0 then return {} end
local ids = {}
for i, entry in ipairs(entries) do ids[i] = entry[1] end
local recs = redis.call('HMGET', comments, unpack(ids))
local out = {}
for i, entry in ipairs(entries) do
  if recs[i] then
    out[#out + 1] = entry[2]
    out[#out + 1] = entry[1]
    out[#out + 1] = recs[i]
  end
end
return out
