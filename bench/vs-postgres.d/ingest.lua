-- wrk script of bench/vs-postgres: each request is one NDJSON batch of `rows` upserts into tenant `vs`, table
-- orders, with random ids in [0, 10,000,000) (row i of a batch takes ids congruent to i modulo the batch size, so a
-- batch never names an id twice), a customer of the i-th slice of the 1,000 (as bench/vs-postgres's pgbench script
-- does) and a random amount. The batch size is wrk's `-- rows` argument.
local rows = 10

function init(args)
  if args[1] then rows = tonumber(args[1]) end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
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
    lines[#lines + 1] = '{"op":"upsert","table":"orders","row":{"id":' .. ids[i] .. ',"customer":"c'
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
