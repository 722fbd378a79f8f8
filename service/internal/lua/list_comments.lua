-- Reads one page of an index, resuming after a cursor.
-- KEYS[1] comment hash   KEYS[2] the index (newest or hot, top or replies)
-- ARGV[1] 'desc' or 'asc'   ARGV[2] cursor score or '' for the first page
-- ARGV[3] cursor comment id   ARGV[4] how many to return at most
-- ARGV[5] the parent whose replies these are, or ''
-- ARGV[6] 'all' for every entry's score, else only entry ARGV[4] - 1's
-- Returns {ids, records, scores}: the records as stored (the server decodes
-- them: cheaper there than a Lua table per comment here; false where a
-- record is missing), and either every id's score or only the score of id
-- number ARGV[4] - 1 when there is one: the caller asks for one entry more
-- than a page, to learn whether a next page exists, and that page's cursor
-- is the last kept entry. Errors NOTFOUND when the parent does not exist.
--
-- The cursor is the (score, id) of the last comment returned. When that
-- comment still holds the same score, the page resumes right after its rank:
-- O(log n + page). When it has moved, the page resumes at the first entry
-- ordered after (score, id), which is the same place.
local comments, index = KEYS[1], KEYS[2]
local desc = ARGV[1] == 'desc'
local limit = tonumber(ARGV[4])
local all_scores = ARGV[6] == 'all'
if ARGV[5] ~= '' and redis.call('HEXISTS', comments, ARGV[5]) == 0 then
  return {err = 'NOTFOUND parent_id ' .. ARGV[5]}
end

-- Scores are read only where needed: formatting them is much of the cost of
-- a page.
local ids, scores = {}, {}
local function take(flat, keep)  -- (member, score) pairs
  for i = 1, #flat, 2 do
    if #ids >= limit then return end
    if not keep or keep(flat[i]) then
      ids[#ids + 1] = flat[i]
      scores[#ids] = flat[i + 1]
    end
  end
end
local function by_rank(start, stop)
  local verb = desc and 'ZREVRANGE' or 'ZRANGE'
  if all_scores then
    take(redis.call(verb, index, start, stop, 'WITHSCORES'))
  else
    ids = redis.call(verb, index, start, stop)
  end
end

if ARGV[2] == '' then
  by_rank(0, limit - 1)
else
  local cscore, cid = ARGV[2], ARGV[3]
  local here = redis.call('ZSCORE', index, cid)
  if here and tonumber(here) == tonumber(cscore) then
    local rank
    if desc then rank = redis.call('ZREVRANK', index, cid)
    else rank = redis.call('ZRANK', index, cid) end
    by_rank(rank + 1, rank + limit)
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

if #ids == 0 then return {{}, {}, {}} end
local recs = redis.call('HMGET', comments, unpack(ids))
local out_scores = {}
local first, last = 1, #ids
if not all_scores then first, last = limit - 1, math.min(#ids, limit - 1) end
for i = first, last do
  out_scores[#out_scores + 1] = scores[i] or redis.call('ZSCORE', index, ids[i])
end
return {ids, recs, out_scores}
