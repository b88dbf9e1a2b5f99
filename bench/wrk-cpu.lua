-- wrk script: prints wrk's own CPU seconds (user + system, all its threads) as it ends, which a bench running it
-- reports beside the server's (io.shardview.bench.http.PromqlLatency): wrk's /proc entry is gone once it exits.
-- os.clock() is C's clock(), the CPU time of the whole process.
done = function(summary, latency, requests)
  io.write(string.format("cpu_seconds %.3f\n", os.clock()))
end
