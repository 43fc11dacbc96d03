-- wrk script: GET /api/v1/tasks/<id>/share for ids drawn uniformly at random from the file named by
-- the environment variable BENCH_IDS (one id a line). BENCH_SEED (default 1) seeds the draw, so every
-- server is asked for the same sequence of ids.
local requests = {}

function init(args)
  local path = assert(os.getenv("BENCH_IDS"), "BENCH_IDS is not set")
  for id in io.lines(path) do
    if #id > 0 then
      requests[#requests + 1] = wrk.format("GET", "/api/v1/tasks/" .. id .. "/share")
    end
  end
  assert(#requests > 0, "no ids in " .. path)
  math.randomseed(tonumber(os.getenv("BENCH_SEED") or "1"))
end

function request()
  return requests[math.random(#requests)]
end
