-- wrk script: places holds (POST /api/bookings) for stays picked at random from a file of "unitId checkIn checkOut"
-- lines (given after --), each with a guest email and an Idempotency-Key of its own. A 409 (the nights are taken)
-- is a realistic answer and counts as non-2xx. Reports with paths.lua's done (one JSON line); run from the repository root.
dofile("bench/wrk/paths.lua")

local stays = {}
local counter = 0
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
end

function init(args)
  for line in io.lines(args[1]) do
    stays[#stays + 1] = line
  end
  math.randomseed(os.time() * 1000 + math.floor(os.clock() * 1000000) + (id or 0))
end

function request()
  counter = counter + 1
  local unit, check_in, check_out = stays[math.random(#stays)]:match("(%S+) (%S+) (%S+)")
  local tag = string.format("%d-%d-%d-%d", os.time(), id or 0, counter, math.random(1000000000))
  local body = string.format(
    '{"unitId":"%s","checkIn":"%s","checkOut":"%s","guests":2,"guest":{"fullName":"Bench Guest","email":"bench-%s@example.test"}}',
    unit, check_in, check_out, tag)
  return wrk.format("POST", "/api/bookings", { ["Content-Type"] = "application/json", ["Idempotency-Key"] = "bench-" .. tag }, body)
end
