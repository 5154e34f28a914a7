-- wrk's report for scripts/bench.sh: one line with the requests per second, the 50th, 95th and 99th
-- percentiles of latency in milliseconds, the responses with a status of 400 or more, and the socket
-- errors (connect, read, write, timeout). No response hook: reading every body in Lua would load the
-- client, which shares the cores with the server.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %.1f %.1f %.1f %.1f %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
