-- wrk script: the public finder by enterprise number, a different company on each
-- request (FINDER_NUMBERS: a file with one enterprise number per line), so no answer is
-- served twice from a cache. Prints report.lua's RESULT line.
dofile(os.getenv("BENCH_WEB_DIR") .. "/report.lua")

local numbers = {}
for line in io.lines(os.getenv("FINDER_NUMBERS")) do
  numbers[#numbers + 1] = line
end
local counter = 0

function setup(thread)
  thread:set("offset", counter * 7919)
  counter = counter + 1
end

local i = 0
function request()
  i = i + 1
  local number = numbers[((offset or 0) + i) % #numbers + 1]
  return wrk.format("GET", "/finder/?enterprise_number=" .. number)
end
