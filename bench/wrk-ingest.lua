-- wrk script: unpaced ingest of 10-op NDJSON batches into tenant "w" (table ev, see bench/RESULTS.md).
-- wrk -t2 -c64 -d15s --latency -s bench/wrk-ingest.lua http://127.0.0.1:8080
counter = 0
request = function()
  counter = counter + 1
  local id = counter * 1000 + math.random(0, 999)
  local body = ""
  for i = 0, 9 do
    body = body .. '{"op":"upsert","table":"ev","row":{"id":' .. (id * 10 + i) .. ',"k":1}}\n'
  end
  return wrk.format("POST", "/v1/tenants/w/ingest", {["Content-Type"] = "application/x-ndjson"}, body)
end
