-- Reads one comment.
-- KEYS[1] comment hash   ARGV[1] comment id
-- Returns the comment, or nil when there is none.
local rec = load(KEYS[1], ARGV[1])
if not rec then return nil end
return emit(ARGV[1], rec)
