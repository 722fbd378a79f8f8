-- Finds the copy-paste wave a near-duplicate band belongs to: the first
-- text with this band hash names the wave (its candidate: the wave id and
-- the text's signature, which later texts are compared with), later texts
-- with it are offered that wave. Keeps the band alive for a window after
-- each text. Returns the band's value (the candidate when it was new).
-- KEYS and ARGV, in order (WaveBandCall in script_calls.h builds them):
local band_key = KEYS[1]          -- wv:b:{band hash}
local candidate = ARGV[1]         -- 'WAVE SIGNATURE' this text would start
local window = ARGV[2]            -- how long the band lives after a text (ms)

local wave = redis.call('GET', band_key)
if not wave then
  redis.call('SET', band_key, candidate, 'PX', window)
  return candidate
end
redis.call('PEXPIRE', band_key, window)
return wave
