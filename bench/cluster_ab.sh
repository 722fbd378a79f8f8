#!/usr/bin/env bash
# The cost of Redis Cluster routing, measured side by side: one comment-server
# on a plain Redis and one on a one-node Redis Cluster (the client then cuts
# every call into slot units and routes it), and optionally a second build's
# server on the plain Redis, taking turns ROUNDS times at each point.
#
# Usage: bench/cluster_ab.sh [OTHER_BUILD_DIR]
#   BUILD    this build (default: build)   LEVELS  in flight (16,64,256)
#   ROUNDS   rounds a point (3)            DURATION, WARMUP  per run (1s, 0.5s)
#   PORT     first of three gRPC ports (50291), Redis cluster port PORT+100
# Prints one line per run and the mean calls/s per server at each point.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${BUILD:-$root/build}" && pwd)"
other="${1:-}"
levels="${LEVELS:-16,64,256}"
rounds="${ROUNDS:-3}"
duration="${DURATION:-1s}"
warmup="${WARMUP:-0.5s}"
port="${PORT:-50291}"
work="$(mktemp -d)"
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  for s in plain cluster; do
    redis-cli -s "$work/$s/r.sock" shutdown nosave >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/plain" "$work/cluster"
redis-server --port 0 --unixsocket "$work/plain/r.sock" --save '' \
  --appendonly no --dir "$work/plain" --daemonize yes --logfile "$work/plain/log"
redis-server --port $((port + 100)) --bind 127.0.0.1 --cluster-enabled yes \
  --cluster-port $((port + 101)) --unixsocket "$work/cluster/r.sock" --save '' \
  --appendonly no --dir "$work/cluster" --daemonize yes --logfile "$work/cluster/log"
sleep 0.5
redis-cli -s "$work/cluster/r.sock" cluster addslotsrange 0 16383 >/dev/null
until redis-cli -s "$work/cluster/r.sock" cluster info | grep -q cluster_state:ok; do
  sleep 0.2
done
for s in plain cluster; do
  "$build/bench/comment-seed" --redis="unix://$work/$s/r.sock" --article=small \
    --count=1000 --threads=2 >/dev/null
done

targets=()
start() {  # start LABEL BUILD REDIS PORT
  "$2/service/comment-server" --listen=127.0.0.1:$4 --redis="unix://$work/$3/r.sock" \
    2>"$work/$1.log" &
  pids+=($!)
  targets+=("$1:$4")
}
start plain "$build" plain "$port"
start cluster "$build" cluster $((port + 1))
[[ -n "$other" ]] && start other "$(cd "$other" && pwd)" plain $((port + 2))
sleep 2

for conc in ${levels//,/ }; do
  for scenario in list_hot post mix; do
    for round in $(seq "$rounds"); do
      for t in "${targets[@]}"; do
        "$build/bench/comment-loadgen" --concurrency="$conc" --duration="$duration" \
          --warmup="$warmup" --label="${t%%:*} " --scenario="$scenario" \
          --article=small --comment_count=1000 --target="127.0.0.1:${t##*:}" |
          awk -v c="$conc" -v s="$scenario" '$3 ~ /^[0-9]+$/ {print s, c, $0}'
      done
    done
  done
done | tee "$work/runs"
echo "== mean calls/s: scenario, in flight, server"
awk '{k = $1 " " $2 " " $3; sum[k] += $6; n[k]++}
     END {for (k in sum) printf "%s %.0f\n", k, sum[k] / n[k]}' "$work/runs" |
  sort -k1,1 -k2,2n -k3,3
