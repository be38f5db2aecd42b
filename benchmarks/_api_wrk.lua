-- The load benchmarks/api.py puts on the server through Debian's wrk, one scenario per run:
--   wrk -t THREADS -c CONNECTIONS -d SECONDS -s _api_wrk.lua URL -- REQUESTS THREADS MODE
-- REQUESTS is a file of tab-separated lines: method, path, token, If-Match, Idempotency-Key,
-- body. Thread k sends lines k, k+THREADS, ...; MODE "cycle" repeats them (reads), "once"
-- sends each line once (actions: a clearance is granted once) and then stops the thread.
-- Requests are built once in init(), so the load tool spends its CPU on sockets, not Lua.
-- done() prints one line "WRK_JSON {...}" with the counts and latency percentiles (ms).

local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  local path, threads, mode = args[1], tonumber(args[2]), args[3]
  requests = {}
  local line_number = 0
  for line in io.lines(path) do
    if line_number % threads == id then
      local method, target, token, if_match, key, body =
        line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = {}
      if token ~= "" then headers["Authorization"] = "Bearer " .. token end
      if if_match ~= "" then headers["If-Match"] = if_match end
      if key ~= "" then headers["Idempotency-Key"] = key end
      if body ~= "" then
        headers["Content-Type"] = "application/json"
      else
        body = nil
      end
      requests[#requests + 1] = wrk.format(method, target, headers, body)
    end
    line_number = line_number + 1
  end
  once = mode == "once"
  sent = 0
  spare = wrk.format("GET", "/bench/constant")
end

function request()
  sent = sent + 1
  if sent > #requests then
    if once then
      -- Every action of this thread is sent: stop; wrk may still ask for one more request
      -- per connection while it winds down, answered by the ceiling view and not counted.
      wrk.thread:stop()
      return spare
    end
    sent = 1
  end
  return requests[sent]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "errors_status": %d, "errors_socket": %d, '
      .. '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
