#!/usr/bin/env bash
# Runs the service benchmark (bench/run_bench.sh) at a tiny size, so that the
# benchmark, its load generator, echo ceilings and seeding tool keep working:
# every scenario must produce a row, and no call may fail. Asserts no timing.
#   bench_smoke_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src="$1"; build="$2"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

# Three free ports below Linux's ephemeral range, so that no test that binds
# port 0 can take one between the check and the servers' start.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=""
for _ in $(seq 20); do
  p=$((20000 + RANDOM % 12000))
  if port_free "$p" && port_free $((p + 1)) && port_free $((p + 2)); then
    port="$p"; break
  fi
done
[ -n "$port" ] || { echo "FAIL: no free ports"; exit 1; }

if ! SMALL=50 BIG=200 LEVELS=4 ROUNDS=1 DURATION=0.2s WARMUP=0.1s \
    EXTRA_WORDS=100 REDIS_REQUESTS=500 PORT="$port" \
    "$src/bench/run_bench.sh" "$build" >"$out" 2>&1; then
  cat "$out"; echo "FAIL: run_bench.sh exited with an error"; exit 1
fi

fail() { cat "$out"; echo "FAIL: $*"; exit 1; }
# Memory per comment is reported for both seeded articles.
[ "$(grep -c 'bytes per comment' "$out")" -eq 2 ] || fail "memory report"
# Every measured line (service, echo, handoff) ran without an error.
errors="$(awk '$1 ~ /^(service|echo|handoff)$/ && $4 ~ /^[0-9]+$/ && $8 != 0' "$out")"
[ -z "$errors" ] || fail "calls failed: $errors"
# The summary has every scenario, each with the service's calls/s and ratios.
summary="$(sed -n '/^scenario  *art/,/^$/p' "$out")"
for row in "list_hot small 4" "list_hot big 4" "list_newest small 4" \
    "list_newest big 4" "like small 4" "post small 4" "stats small 4" \
    "batch_stats small 4" "mix small 4" "list_hot small half" \
    "post small half" "mix small half"; do
  line="$(awk -v r="$row" '($1 " " $2 " " $3) == r' <<<"$summary")"
  [ -n "$line" ] || fail "no summary row '$row'"
  awk '{ if (!($4 > 0 && $5 > 0 && $8 > 0)) exit 1 }' <<<"$line" ||
    fail "summary row without calls/s or ratio: $line"
done
# Redis alone ran the service's scripts, and the 1M ÷ 1k comparison printed.
[ "$(grep -cE '^redis +[a-z_]+ +(small|big) +c=[0-9]+ +[0-9.]+ calls/s' "$out")" -eq 6 ] || fail "redis-benchmark rows"
grep -q '^list_newest  *4  *[0-9.]*$' "$out" || fail "big ÷ small p50 rows"
echo "PASS: bench/run_bench.sh ran every scenario without an error"
