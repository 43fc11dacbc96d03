-- wrk script: runs the wrk script named by BENCH_SCRIPT (spread.lua, ingest.lua) with wrk's threads
-- spread over the servers listed in BENCH_NODES ("127.0.0.1:8081,127.0.0.1:8082"), thread i on
-- server i mod n, so that several taskshare nodes are measured together with no balancer in between.
-- Give wrk -t a multiple of the number of servers; the URL on wrk's command line only names the
-- first.
dofile(assert(os.getenv("BENCH_SCRIPT"), "BENCH_SCRIPT is not set"))

local base_setup = setup
local nodes, assigned = nil, 0

function setup(thread)
  if not nodes then
    nodes = {}
    for hostport in string.gmatch(assert(os.getenv("BENCH_NODES"), "BENCH_NODES is not set"), "[^,]+") do
      local host, port = hostport:match("^(.+):(%d+)$")
      nodes[#nodes + 1] = wrk.lookup(host, port)[1]
    end
  end
  thread.addr = nodes[(assigned % #nodes) + 1]
  assigned = assigned + 1
  if base_setup then base_setup(thread) end
end
