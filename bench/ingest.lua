-- wrk script: POST /api/v1/tasks/<id>/messages with BENCH_BATCH (default 100) messages, each with a
-- fresh id, cycling over the tasks listed in BENCH_IDS (one id a line). The messages repeat the lines
-- of BENCH_MESSAGES, JSON objects whose id is written @ID@. BENCH_NONCE (8 hex digits) keeps the ids of
-- separate runs apart. Send X-Api-Key and Content-Type with -H.
local paths, pieces = {}, {}
local batch, sent, made, prefix = 100, 0, 0, ""
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_number", thread_count)
end

function init(args)
  local ids = assert(os.getenv("BENCH_IDS"), "BENCH_IDS is not set")
  local messages = assert(os.getenv("BENCH_MESSAGES"), "BENCH_MESSAGES is not set")
  for id in io.lines(ids) do
    if #id > 0 then paths[#paths + 1] = "/api/v1/tasks/" .. id .. "/messages" end
  end
  for line in io.lines(messages) do
    local before, after = line:match("^(.-)@ID@(.*)$")
    if before then pieces[#pieces + 1] = { before, after } end
  end
  assert(#paths > 0 and #pieces > 0, "no tasks or no messages")
  batch = tonumber(os.getenv("BENCH_BATCH") or "100")
  local nonce = tonumber(os.getenv("BENCH_NONCE") or "0", 16)
  prefix = string.format("%08x", (nonce + (thread_number or 1)) % 0x100000000)
  math.randomseed(nonce + (thread_number or 1))
end

local function fresh_id()
  made = made + 1
  return string.format("%s-%04x-4%03x-%04x-%012x", prefix, math.random(0, 0xffff),
                       math.random(0, 0xfff), 0x8000 + math.random(0, 0x3fff), made)
end

function request()
  local parts = {}
  for i = 1, batch do
    local p = pieces[(made % #pieces) + 1]
    parts[i] = p[1] .. fresh_id() .. p[2]
  end
  sent = sent + 1
  local body = '{"messages":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format("POST", paths[(sent % #paths) + 1], nil, body)
end
