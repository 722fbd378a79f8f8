#!/usr/bin/env bash
# The side-by-side service benchmark (issue 5): one command, a few minutes.
#   bench/run_bench.sh [BUILD_DIR]
# Environment: SMALL (1000) and BIG (1000000) comment counts, LEVELS
# (16,64,256), DURATION (5s), EXTRA_WORDS (10000: lexicon entries added to
# the default lexicon for PostComment). Starts its own Redis, comment-server
# and comment-echo on loopback, seeds, drives each scenario against the
# server and the echo ceiling in the same run, runs redis-benchmark on the
# service's own scripts for the Redis ceiling, prints a table of ratios, and
# stops everything.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
small="${SMALL:-1000}"; big="${BIG:-1000000}"
levels="${LEVELS:-16,64,256}"; duration="${DURATION:-5s}"
extra_words="${EXTRA_WORDS:-10000}"
work="$(mktemp -d)"
sock="$work/redis.sock"
results="$work/results.txt"
cleanup() {
  kill "${server:-}" "${echo_pid:-}" 2>/dev/null || true
  redis-cli -s "$sock" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== machine: $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
redis-server --port 0 --unixsocket "$sock" --save '' --appendonly no \
  --dir "$work" --daemonize yes --logfile "$work/redis.log"
for _ in $(seq 50); do redis-cli -s "$sock" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis_pid="$(redis-cli -s "$sock" info server | awk -F: '/^process_id/ {print $2}' | tr -d '\r')"

echo "== seeding (memory per comment)"
"$build/bench/comment-seed" --redis="unix://$sock" --article=small --count="$small" --threads=4
"$build/bench/comment-seed" --redis="unix://$sock" --article=big --count="$big" --threads=4

# PostComment runs under the default lexicon plus EXTRA_WORDS generated
# entries (seeded into Redis at the server's first start).
default_words="$(grep -cvE '^[[:space:]]*(#|$)' "$root/moderation/data/default_lexicon.tsv")"
"$build/bench/moderation/comment-make-lexicon" --count=$((default_words + extra_words)) \
  >"$work/lexicon.tsv"
echo "== lexicon: $((default_words + extra_words)) entries"

"$build/service/comment-server" --listen=127.0.0.1:50071 --redis="unix://$sock" \
  --lexicon="$work/lexicon.tsv" 2>"$work/server.log" &
server=$!
"$build/bench/comment-echo" --listen=127.0.0.1:50072 2>"$work/echo.log" &
echo_pid=$!
sleep 2

# Each measured line is kept as: scenario article target conc calls/s p50 p99.
lg() {
  local label="$1" scenario="$2" article="$3"; shift 3
  "$build/bench/comment-loadgen" --concurrency="$levels" --duration="$duration" \
    --label="$label " --scenario="$scenario" --article="$article" "$@" |
    tee /dev/stderr |
    awk -v l="$label" -v s="$scenario" -v a="$article" \
      '$1 == l && $3 ~ /^[0-9]+$/ {print s, a, l, $3, $4, $5, $6}' >>"$results"
}
for scenario in list_hot list_newest; do
  for article in small big; do
    echo "== $scenario on $article"
    lg service $scenario $article --target=127.0.0.1:50071 --pids=server:$server,redis:$redis_pid
    lg echo $scenario $article --target=127.0.0.1:50072 --pids=echo:$echo_pid
  done
done
for scenario in like post stats batch_stats mix; do
  echo "== $scenario"
  lg service $scenario small --target=127.0.0.1:50071 --comment_count="$small" \
     --pids=server:$server,redis:$redis_pid
  lg echo $scenario small --target=127.0.0.1:50072 --pids=echo:$echo_pid
done

# The Redis ceiling: the service's own scripts, as the service sends them,
# driven by redis-benchmark (one EVALSHA a request, N clients).
load_script() {
  cat "$root/service/internal/lua/prelude.lua" - "$root/service/internal/lua/$1.lua" \
    <<<"" | redis-cli -s "$sock" -x script load | tr -d '\r'
}
list_sha="$(load_script list_comments)"
like_sha="$(load_script like_comment)"
post_sha="$(load_script post_comment)"
rb() {  # rb SCENARIO ARTICLE -- redis-benchmark args
  local scenario="$1" article="$2"; shift 2
  local c
  for c in ${levels//,/ }; do
    local rps
    rps="$(redis-benchmark -s "$sock" -n 40000 -c "$c" -r 1000000 -q "$@" |
      tr '\r' '\n' | grep -oE '[0-9.]+ requests per second' | tail -1 | cut -d' ' -f1)"
    printf "redis    %-12s %-6s c=%-4s %s calls/s\n" "$scenario" "$article" "$c" "$rps"
    echo "$scenario $article redis $c $rps - -" >>"$results"
  done
}
echo "== Redis ceiling (redis-benchmark on the service's scripts)"
for article in small big; do
  for order in hot newest; do
    index="c:{$article}:${order:0:1}"
    rb "list_$order" "$article" EVALSHA "$list_sha" 2 "c:{$article}:c" "$index" desc '' '' 21 '' last
  done
done
rb like small EVALSHA "$like_sha" 4 'c:{small}:c' 'c:{small}:l:1' 'c:{small}:h' \
  'c:{small}:p' 1 '' 'fan-__rand_int__' 1 21600 2
rb post small EVALSHA "$post_sha" 8 'c:{small}:c' 'c:{small}:s' 'c:{small}:p' \
  'c:{small}:n' 'c:{small}:h' 'c:{small}:i:5:bench:__rand_int__' 'c:{small}:h' \
  'c:{small}:qp' '' '' bench 读者 "$(printf '好%.0s' $(seq 100))" \
  '__rand_int__' 86400 21600 2 allow post ''

echo
echo "== Summary: calls/s of the service, and its ratio to each ceiling measured above"
echo "   (mix's Redis ceiling combines list, like and post 80/15/5; p99 ratio is service / echo)"
awk '
  { key = $1 " " $2 " " $4; v[key, $3] = $5; p99[key, $3] = $7
    if (!(key in seen)) { seen[key] = 1; order[++n] = key } }
  END {
    printf "%-12s %-6s %5s %9s %9s %9s %8s %8s %9s\n", "scenario", "art", "conc",
           "service", "echo", "redis", "÷echo", "÷redis", "p99÷echo"
    for (i = 1; i <= n; i++) {
      key = order[i]; split(key, k, " ")
      if (v[key, "service"] == "") continue
      s = v[key, "service"]; e = v[key, "echo"]; r = v[key, "redis"]
      if (k[1] == "mix") {
        l = v["list_hot small " k[3], "redis"]; lk = v["like small " k[3], "redis"]
        po = v["post small " k[3], "redis"]
        if (l > 0 && lk > 0 && po > 0) r = 1 / (0.8 / l + 0.15 / lk + 0.05 / po)
      }
      printf "%-12s %-6s %5s %9.0f %9.0f %9s %8s %8s %9s\n", k[1], k[2], k[3], s, e,
             (r > 0 ? sprintf("%.0f", r) : "-"),
             (e > 0 ? sprintf("%.2f", s / e) : "-"),
             (r > 0 ? sprintf("%.2f", s / r) : "-"),
             (p99[key, "echo"] > 0 ? sprintf("%.2f", p99[key, "service"] / p99[key, "echo"]) : "-")
    }
  }' "$results"
