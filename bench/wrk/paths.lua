-- wrk script: requests paths picked at random from a file (one path per line, given after --), and reports the
-- run as one JSON line: requests, non-2xx answers, errors and latency percentiles in microseconds.
local paths = {}

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  math.randomseed(os.time() * 1000 + math.floor(os.clock() * 1000000))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"non2xx":%d,"errors":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d}\n',
    summary.requests, summary.duration / 1e6, summary.errors.status, errors,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
