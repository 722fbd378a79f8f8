#!/usr/bin/env bash
# What metrics and access logs cost, measured side by side (issue 15): one
# comment-server with --metrics_listen on (scraped every second, as
# Prometheus would) and --log_level=info (an access line per call, to a
# file), and one with neither (--log_level=warning), on one Redis, each
# taking turns with the bare gRPC echo (comment-echo) ROUNDS times at each
# point. The on and off servers swap order every round, so that a drift in
# the machine's load hits both alike.
#
# Usage: bench/observability_ab.sh
#   BUILD     build with comment-server, comment-echo, comment-loadgen,
#             comment-seed (default: build)
#   SCENARIOS loadgen scenarios (list_hot)   LEVELS  in flight (16,64,256)
#   ROUNDS    rounds a point (6)             DURATION, WARMUP (1s, 0.5s)
#   PORT      first of three gRPC ports (50391); metrics on PORT+10
# Prints every run with its ratio to the echo run next to it and the
# server's CPU time a call (user + system, from /proc), then per point: the
# median on÷echo and off÷echo over the rounds, their spread (min-max), the
# drop: 1 - median(on÷echo) / median(off÷echo), and the median CPU a call of
# each server with their ratio. On a shared machine the CPU a call is the
# steadier figure: other processes' load moves calls/s far more than it
# moves the CPU each call takes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${BUILD:-$root/build}" && pwd)"
scenarios="${SCENARIOS:-list_hot}"
levels="${LEVELS:-16,64,256}"
rounds="${ROUNDS:-6}"
duration="${DURATION:-1s}"
warmup="${WARMUP:-0.5s}"
port="${PORT:-50391}"
metrics_port=$((port + 10))
work="$(mktemp -d)"
sock="$work/r.sock"
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  redis-cli -s "$sock" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
redis-server --port 0 --unixsocket "$sock" --save '' --appendonly no \
  --dir "$work" --daemonize yes --logfile "$work/redis.log"
for _ in $(seq 50); do redis-cli -s "$sock" ping >/dev/null 2>&1 && break; sleep 0.1; done
"$build/bench/comment-seed" --redis="unix://$sock" --article=small \
  --count=1000 --threads=2 >/dev/null

"$build/service/comment-server" --listen=127.0.0.1:$port --redis="unix://$sock" \
  --metrics_listen=127.0.0.1:$metrics_port --log_level=info 2>"$work/on.log" &
on_pid=$!
"$build/service/comment-server" --listen=127.0.0.1:$((port + 1)) \
  --redis="unix://$sock" --log_level=warning 2>"$work/off.log" &
off_pid=$!
"$build/bench/comment-echo" --listen=127.0.0.1:$((port + 2)) 2>"$work/echo.log" &
echo_pid=$!
pids+=("$on_pid" "$off_pid" "$echo_pid")
sleep 2
for pid in "${pids[@]}"; do
  kill -0 "$pid" 2>/dev/null || { echo "observability_ab: a server did not start" >&2; exit 1; }
done
# Prometheus's part: a scrape a second of the server with metrics on.
( while sleep 1; do
    curl -s -o /dev/null "http://127.0.0.1:$metrics_port/metrics" || true
  done ) &
pids+=($!)

run() {  # run LABEL PORT PID SCENARIO CONC: prints "calls/s cpu-µs-a-call"
  "$build/bench/comment-loadgen" --concurrency="$5" --duration="$duration" \
    --warmup="$warmup" --label="$1 " --scenario="$4" --article=small \
    --comment_count=1000 --target="127.0.0.1:$2" --pids="p:$3" |
    awk -v l="$1" '$1 == l && $3 ~ /^[0-9]+$/ {printf "%s %.1f\n", $4, $NF / 100 / $4 * 1e6}'
}
for scenario in ${scenarios//,/ }; do
  for conc in ${levels//,/ }; do
    for round in $(seq "$rounds"); do
      order="on off"
      [ $((round % 2)) -eq 0 ] && order="off on"
      for side in $order; do
        p=$port pid=$on_pid
        [ "$side" = off ] && p=$((port + 1)) pid=$off_pid
        read -r s cpu < <(run "$side" "$p" "$pid" "$scenario" "$conc")
        read -r e _ < <(run echo $((port + 2)) "$echo_pid" "$scenario" "$conc")
        printf "%-10s %4s round %d %-3s %8.0f calls/s  echo %8.0f  ÷echo %.3f  cpu/call %6.1f us\n" \
          "$scenario" "$conc" "$round" "$side" "$s" "$e" "$(echo "$s / $e" | bc -l)" "$cpu"
      done
    done
  done
done | tee "$work/runs"
echo
echo "== per point: median ÷echo over $rounds rounds (min-max), and the drop with metrics and access log on"
awk '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
      t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
    }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { k = $1 " " $2; r[k, $5] = r[k, $5] " " $11; cpu[k, $5] = cpu[k, $5] " " $13
    if (!((k, $5) in lo) || $11 < lo[k, $5]) lo[k, $5] = $11
    if ($11 > hi[k, $5]) hi[k, $5] = $11
    if (!(k in seen)) { seen[k] = 1; keys[++n] = k } }
  END {
    printf "%-10s %4s %16s %16s %7s %18s\n", "scenario", "conc", "on ÷echo", "off ÷echo", "drop",
      "cpu/call on÷off"
    for (i = 1; i <= n; i++) {
      k = keys[i]; split(k, kk, " ")
      on = median(r[k, "on"]); off = median(r[k, "off"])
      printf "%-10s %4s %.3f (%.2f-%.2f) %.3f (%.2f-%.2f) %6.1f%% %6.1f/%.1f us %.3f\n", kk[1], kk[2],
        on, lo[k, "on"], hi[k, "on"], off, lo[k, "off"], hi[k, "off"], 100 * (1 - on / off),
        median(cpu[k, "on"]), median(cpu[k, "off"]), median(cpu[k, "on"]) / median(cpu[k, "off"])
    }
  }' "$work/runs"
echo "== access lines written by the server with logs on: $(grep -c '"event":"rpc"' "$work/on.log" || true)"
