-- Reads one page of an index, resuming after a cursor.
-- Returns {ids, records, scores[, liked]}: the records as stored (the
-- server decodes them: cheaper there than a Lua table per comment here;
-- false where a record is missing), and either every id's score or only the
-- score of id number limit - 1 when there is one: the caller asks for one
-- entry more than a page, to learn whether a next page exists, and that
-- page's cursor is the last kept entry; with liked_key, liked[i] is 1 when
-- the viewer likes ids[i]. Errors NOTFOUND when the parent does not exist.
--
-- The cursor is the (score, id) of the last comment returned. When that
-- comment still holds the same score, the page resumes right after its rank:
-- O(log n + page). When it has moved, the page resumes at the first entry
-- ordered after (score, id), which is the same place. In the bitmap the
-- cursor's id alone says where to resume.
--
-- KEYS and ARGV, in order (ListCommentsCall in script_calls.h builds them):
local comments_key = KEYS[1]      -- comment hash
local index_key = KEYS[2]         -- the index (newest or hot, top or replies)
local liked_key = KEYS[3]         -- (optional) the comments the viewer likes
local desc = ARGV[1] == 'desc'    -- 'desc' or 'asc'
local after_score = ARGV[2]       -- cursor score or '' for the first page
local after_id = ARGV[3]          -- cursor comment id
local limit = tonumber(ARGV[4])   -- how many to return at most
local parent = ARGV[5]            -- the parent whose replies these are, or ''
local all_scores = ARGV[6] == 'all'        -- 'all' for every entry's score,
                                           -- else only entry limit - 1's
local bitmap = ARGV[7] == 'bitmap'         -- 'bitmap' when the index is the
                                           -- top level's newest bitmap
                                           -- (prelude.lua; an entry's score
                                           -- is its id), else 'zset'

if parent ~= '' and redis.call('HEXISTS', comments_key, parent) == 0 then
  return {err = 'NOTFOUND parent_id ' .. parent}
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
    take(redis.call(verb, index_key, start, stop, 'WITHSCORES'))
  else
    ids = redis.call(verb, index_key, start, stop)
  end
end

-- The set bits after the cursor's id (before it, descending), read in
-- windows that grow while they come up empty; BITCOUNT skips an empty window
-- without a Lua loop over its bytes. Bit j of byte k is id 8k + j.
local BIT = {128, 64, 32, 16, 8, 4, 2, 1}
local function by_bit(bitmap_key, cursor)
  local step = desc and -1 or 1
  local size  -- ids below this; an ascending walk needs it to stop
  if not desc or cursor == '' then
    size = redis.call('STRLEN', bitmap_key) * 8
  end
  local pos  -- the next id to look at
  if cursor ~= '' then pos = tonumber(cursor) + step
  elseif desc then pos = size - 1
  else pos = 1 end
  local span = 8
  while pos >= 1 and (desc or pos < size) do
    local k0 = math.floor(pos / 8)
    local lo, hi = k0, k0 + span - 1
    if desc then lo, hi = math.max(0, k0 - span + 1), k0 end
    if span == 8 or redis.call('BITCOUNT', bitmap_key, lo, hi) > 0 then
      local bytes = redis.call('GETRANGE', bitmap_key, lo, hi)
      for k = k0, desc and lo or hi, step do
        local b = string.byte(bytes, k - lo + 1)
        if not b then break end  -- past the end
        if b ~= 0 then
          local base = 8 * k
          local first, stop = 0, 7
          if desc then first, stop = 7, 0 end
          if k == k0 then first = pos - base end
          for j = first, stop, step do
            if bit.band(b, BIT[j + 1]) ~= 0 then
              local n = #ids + 1
              ids[n] = tostring(base + j)
              scores[n] = ids[n]
              if n >= limit then return end
            end
          end
        end
      end
    end
    pos = desc and 8 * lo - 1 or 8 * (hi + 1)
    span = math.min(span * 4, 8192)
  end
end

if bitmap then
  by_bit(index_key, after_id)
elseif after_score == '' then
  by_rank(0, limit - 1)
else
  local cscore, cid = after_score, after_id
  local here = redis.call('ZSCORE', index_key, cid)
  if here and tonumber(here) == tonumber(cscore) then
    local rank
    if desc then rank = redis.call('ZREVRANK', index_key, cid)
    else rank = redis.call('ZRANK', index_key, cid) end
    by_rank(rank + 1, rank + limit)
  else
    -- Ties on the cursor's score that sort after it, then lower scores.
    -- Redis orders equal scores by member bytes; Lua's < on strings agrees.
    local ties, rest
    if desc then
      ties = redis.call('ZREVRANGEBYSCORE', index_key, cscore, cscore,
                        'WITHSCORES')
      take(ties, function(m) return m < cid end)
      rest = redis.call('ZREVRANGEBYSCORE', index_key, '(' .. cscore, '-inf',
                        'WITHSCORES', 'LIMIT', 0, limit)
    else
      ties = redis.call('ZRANGEBYSCORE', index_key, cscore, cscore,
                        'WITHSCORES')
      take(ties, function(m) return m > cid end)
      rest = redis.call('ZRANGEBYSCORE', index_key, '(' .. cscore, '+inf',
                        'WITHSCORES', 'LIMIT', 0, limit)
    end
    take(rest)
  end
end

if #ids == 0 then return {{}, {}, {}} end
local recs = redis.call('HMGET', comments_key, unpack(ids))
local out_scores = {}
local first, last = 1, #ids
if not all_scores then first, last = limit - 1, math.min(#ids, limit - 1) end
for i = first, last do
  out_scores[#out_scores + 1] =
      scores[i] or redis.call('ZSCORE', index_key, ids[i])
end
if liked_key then
  local liked = redis.call('SMISMEMBER', liked_key, unpack(ids))
  return {ids, recs, out_scores, liked}
end
return {ids, recs, out_scores}
