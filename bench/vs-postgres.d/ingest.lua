-- wrk script of bench/vs-postgres: each request is one NDJSON batch of `rows` upserts into tenant `vs`, table
-- orders, with random ids in [0, 10,000,000) (row i of a batch takes ids congruent to i modulo the batch size, so a
-- batch never names an id twice), a customer of the i-th slice of the 1,000 (as bench/vs-postgres's pgbench script
-- does) and a random amount. The batch size is wrk's `-- rows` argument; a second argument, batches a second for
-- this wrk thread, paces it: its connections take turns at sending on a fixed schedule (open loop while they keep up,
-- never catching up in a burst), as a steady load at a given rate does.
local rows = 10
local interval_ms = 0 -- between two sends of this thread when paced
local next_send_ms = 0
-- The op of every row. bench/vs-postgres --floor sets it to one the node refuses ("bogus"): the edge parses, routes,
-- counts and answers the batch 400, and no tenant or journal work follows (the cost of the HTTP path alone).
op = "upsert"

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } vs_timespec;
  int clock_gettime(int clock, vs_timespec *now);
]]
local clock = ffi.new("vs_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

function init(args)
  if args[1] then rows = tonumber(args[1]) end
  if args[2] and tonumber(args[2]) > 0 then interval_ms = 1000 / tonumber(args[2]) end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

-- The wait before a connection's next batch: the thread's next free slot on its schedule. bench/vs-postgres installs
-- it as wrk's `delay` only for a paced run (wrk sets a timer per request wherever a script has one).
paced_delay = function()
  if interval_ms == 0 then return 0 end
  local now = now_ms()
  local slot = math.max(now, next_send_ms)
  next_send_ms = slot + interval_ms
  return math.floor(slot - now)
end

-- One batch: rows ids (random, or ids[] when given) with customers and random amounts; returns the request and the ids.
local function batch(ids)
  local lines = {}
  local span = math.floor(10000000 / rows)
  ids = ids or {}
  for i = 0, rows - 1 do
    ids[i] = ids[i] or math.random(0, span - 1) * rows + i
    local low = 1 + math.floor(i * 1000 / rows)
    local customer = math.random(low, math.max(low, math.floor((i + 1) * 1000 / rows)))
    lines[#lines + 1] = '{"op":"' .. op .. '","table":"orders","row":{"id":' .. ids[i] .. ',"customer":"c'
        .. customer .. '","amount":' .. math.random(1, 1000) .. '}}'
  end
  return wrk.format("POST", "/v1/tenants/vs/ingest", {["Content-Type"] = "application/x-ndjson"},
      table.concat(lines, "\n")), ids
end

-- Batches of 1,000 rows or more are made once and sent in turn: making each would cost the client more CPU than the
-- node spends on it. Eight sets of ids, each in two batches with other customers and amounts, sent one set after
-- another and the two batches of a set by turns, so every upsert changes its row (none is a no-op).
local made = {}
local sent = 0

request = function()
  if rows < 1000 then return (batch()) end
  if #made == 0 then
    for set = 1, 8 do
      local ids
      made[set], ids = batch()
      made[set + 8] = batch(ids)
    end
  end
  sent = sent % 16 + 1
  return made[sent]
end

done = function(summary, latency, requests)
  io.write(string.format("vs-postgres-wrk requests=%d errors_status=%d p50_us=%d p99_us=%d duration_us=%d\n",
      summary.requests, summary.errors.status, latency:percentile(50), latency:percentile(99), summary.duration))
end
