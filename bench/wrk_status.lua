-- Counts the answers by status (wrk only counts non-2xx/3xx, and a redirect to the login page
-- is a 302), and waits WRK_DELAY_MS between the requests of each connection when set.
local threads = {}
local pause = tonumber(os.getenv("WRK_DELAY_MS") or "0")

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  other = 0
end

function delay()
  return pause
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_other = 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_other = total_other + thread:get("other")
  end
  io.write(string.format("STATUS ok=%d other=%d\n", total_ok, total_other))
end
