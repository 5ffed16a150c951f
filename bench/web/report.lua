-- wrk script: one summary line per run, read by run.sh.
-- RESULT <label> <requests/s> <p50 ms> <p95 ms> <p99 ms> <requests> <non-2xx> <socket errors>
local label = os.getenv("WRK_LABEL") or "page"

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    "RESULT %s %.1f %.1f %.1f %.1f %d %d %d\n",
    label,
    summary.requests / seconds,
    latency:percentile(50) / 1000,
    latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    summary.requests,
    summary.errors.status,
    errors
  ))
end
