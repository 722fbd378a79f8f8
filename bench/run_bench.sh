#!/usr/bin/env bash
# The side-by-side service benchmark (issue 5): one command, a few minutes.
#   bench/run_bench.sh [BUILD_DIR]
# Environment:
#   SMALL, BIG       comment counts of the two articles (1000, 1000000)
#   LEVELS           calls in flight to sweep (16,64,256)
#   DURATION, WARMUP each measurement (1s, after 0.5s; a shorter warm-up lets
#                    the connections' start-up into the half-load p99)
#   ROUNDS           measurements of each point, service and ceilings taking
#                    turns, reported as medians (3); the defaults take about
#                    7 minutes, DURATION=2s about 11
#   EXTRA_WORDS      lexicon entries added to the default lexicon for
#                    PostComment (10000)
#   REDIS_REQUESTS   requests a redis-benchmark point (40000)
#   PORT             the service's port (50071); the echoes take the next two
# Starts its own Redis, comment-server and comment-echo on loopback, seeds,
# drives each scenario against the server and the echo ceilings in the same
# run (the echo answering on gRPC's thread, and the echo handing each call to
# another thread to finish, as the server finishes calls from its Redis I/O
# thread), runs redis-benchmark on the service's own scripts for the Redis
# ceiling, prints a table of ratios, and stops everything.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
small="${SMALL:-1000}"; big="${BIG:-1000000}"
levels="${LEVELS:-16,64,256}"; duration="${DURATION:-1s}"
warmup="${WARMUP:-0.5s}"; rounds="${ROUNDS:-3}"
extra_words="${EXTRA_WORDS:-10000}"
redis_requests="${REDIS_REQUESTS:-40000}"  # per redis-benchmark point
port="${PORT:-50071}"  # the service's; the echoes take the next two
service_addr="127.0.0.1:$port"; echo_addr="127.0.0.1:$((port + 1))"
handoff_addr="127.0.0.1:$((port + 2))"
work="$(mktemp -d)"
sock="$work/redis.sock"
results="$work/results.txt"
cleanup() {
  kill "${server:-}" "${echo_pid:-}" "${handoff_pid:-}" 2>/dev/null || true
  redis-cli -s "$sock" shutdown nosave >/dev/null 2>&1 || true
  # The servers' logs go with the temporary directory: show anything beyond
  # their start-up lines, which is what explains an error in the table.
  # (comment-server runs at --log_level=warning: no access line per call
  # in the measurement; it then prints only what went wrong.)
  local log
  for log in "$work"/server.log "$work"/echo.log "$work"/handoff.log; do
    if grep -vqE 'listening on|page_token_secret|draining|stopped|^$' "$log" 2>/dev/null; then
      echo "== $(basename "$log") (last lines)"; tail -n 20 "$log"
    fi
  done
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

"$build/service/comment-server" --listen=$service_addr --redis="unix://$sock" \
  --lexicon="$work/lexicon.tsv" --log_level=warning 2>"$work/server.log" &
server=$!
"$build/bench/comment-echo" --listen=$echo_addr 2>"$work/echo.log" &
echo_pid=$!
"$build/bench/comment-echo" --listen=$handoff_addr --api=handoff 2>"$work/handoff.log" &
handoff_pid=$!
sleep 2
for pid in "$server" "$echo_pid" "$handoff_pid"; do
  kill -0 "$pid" 2>/dev/null || { echo "run_bench: a server did not start" >&2; exit 1; }
done

# Service and echo take turns, ROUNDS times at each point, so that a change
# in the machine's background load hits both alike; the summary reports
# medians. Each measured line is kept as:
#   scenario article target conc calls/s p50 p99 round
lg() {  # lg TARGET_NAME SCENARIO ARTICLE CONC ROUND -- loadgen args
  local label="$1" scenario="$2" article="$3" conc="$4" round="$5"; shift 5
  "$build/bench/comment-loadgen" --concurrency="${conc/half/256}" --duration="$duration" \
    --warmup="$warmup" --label="$label " --scenario="$scenario" --article="$article" "$@" |
    awk -v l="$label" -v s="$scenario" -v a="$article" -v r="$round" -v c="$conc" '
      $1 == l && $3 ~ /^[0-9]+$/ {
        n = split(a, arts, "+")  # The echo answers alike for every article.
        for (i = 1; i <= n; i++) print s, arts[i], l, c, $4, $5, $6, r >> "'"$results"'"
      }
      $1 == l && ($3 ~ /^[0-9]+$/ || r == 1 && $2 == "scenario") {print}'
}
ceilings() {  # ceilings SCENARIO ARTICLE CONC ROUND: the echo, then the handoff echo
  lg echo "$1" "$2" "$3" "$4" --target=$echo_addr --pids=echo:$echo_pid
  lg handoff "$1" "$2" "$3" "$4" --target=$handoff_addr --pids=echo:$handoff_pid
}
point() {  # point SCENARIO ARTICLE -- service loadgen args
  local scenario="$1" article="$2"; shift 2
  local conc round
  for conc in ${levels//,/ }; do
    for round in $(seq "$rounds"); do
      lg service "$scenario" "$article" "$conc" "$round" --target=$service_addr \
        --pids=server:$server,redis:$redis_pid "$@"
      ceilings "$scenario" "$article" "$conc" "$round"
    done
  done
}
# Lists: the two articles and the echo take turns, so that the 1M ÷ 1k
# latency is measured side by side too.
for scenario in list_hot list_newest; do
  echo "== $scenario on $small and $big comments"
  for conc in ${levels//,/ }; do
    for round in $(seq "$rounds"); do
      for article in small big; do
        lg service "$scenario" "$article" "$conc" "$round" --target=$service_addr \
          --pids=server:$server,redis:$redis_pid
      done
      ceilings "$scenario" small+big "$conc" "$round"
    done
  done
done
for scenario in like post stats batch_stats mix; do
  echo "== $scenario"
  point $scenario small --comment_count="$small"
done

# Latency at half load: each scenario offered at half the service's best
# closed-loop rate above (open loop, at most 256 in flight), to the service
# and to the echo alike.
half_load() {  # half_load SCENARIO -- service loadgen args
  local scenario="$1"; shift
  local best rate round
  best="$(awk -v s="$scenario" '$1 == s && $2 == "small" && $3 == "service" {
      if ($5 > m) m = $5 } END {print int(m)}' "$results")"
  rate=$((best / 2))
  echo "== $scenario at half load: $rate calls/s offered"
  for round in $(seq "$rounds"); do
    lg service "$scenario" small "half" "$round" --target=$service_addr \
      --rate="$rate" "$@"
    lg echo "$scenario" small "half" "$round" --target=$echo_addr \
      --rate="$rate"
  done
}
half_load list_hot
half_load post
half_load mix --comment_count="$small"

# The Redis ceiling: the service's own scripts, as the service sends them,
# driven by redis-benchmark (one EVALSHA a request, N clients).
load_script() {
  cat "$root/service/store/lua/prelude.lua" - "$root/service/store/lua/$1.lua" \
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
    rps="$(redis-benchmark -s "$sock" -n "$redis_requests" -c "$c" -r 1000000 -q "$@" |
      tr '\r' '\n' | grep -oE '[0-9.]+ requests per second' | tail -1 | cut -d' ' -f1)"
    printf "redis    %-12s %-6s c=%-4s %s calls/s\n" "$scenario" "$article" "$c" "$rps"
    echo "$scenario $article redis $c $rps - - 1" >>"$results"
  done
}
echo "== Redis ceiling (redis-benchmark on the service's scripts)"
for article in small big; do
  for order in hot newest; do
    if [ "$order" = hot ]; then index=h kind=zset; else index=b kind=bitmap; fi
    rb "list_$order" "$article" EVALSHA "$list_sha" 2 "c:{$article}:c" \
      "c:{$article}:$index" desc '' '' 21 '' last "$kind"
  done
done
rb like small EVALSHA "$like_sha" 5 'c:{small}:c' 'c:{small}:l:1' 'c:{small}:h' \
  'c:{small}:p' 'c:{small}:u:fan-__rand_int__' 1 '' 'fan-__rand_int__' 1 21600 2
rb post small EVALSHA "$post_sha" 10 'c:{small}:c' 'c:{small}:s' 'c:{small}:p' \
  'c:{small}:b' 'c:{small}:h' 'c:{small}:i:5:bench:__rand_int__' 'c:{small}:h' \
  'c:{small}:qp' 'c:{small}:r:5:bench' 'c:{small}:d:5:bench' \
  '' '' bench 读者 "$(printf '好%.0s' $(seq 100))" \
  '__rand_int__' 86400 21600 2 allow post '' 0 60000 0

echo
echo "== Summary: medians over $rounds rounds; calls/s of the service and its ratio to each ceiling"
echo "   (ratios are medians of the rounds' own ratios; handoff is the echo finishing each call"
echo "   from another thread, as the service does from its Redis I/O thread; mix's Redis ceiling combines list, like"
echo "   and post 80/15/5; p99÷echo compares the two at the same calls in flight, or for
   rows "half" at the same offered rate: half the service's best)"
awk '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
      t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
    }
    return n == 0 ? 0 : (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2)
  }
  { key = $1 " " $2 " " $4; round = $8
    calls[key, $3] = calls[key, $3] " " $5
    if ($3 != "redis") { c[key, $3, round] = $5; p[key, $3, round] = $7; p50[key, $3, round] = $6 }
    if (!(key in seen)) { seen[key] = 1; order[++n] = key } }
  END {
    printf "%-12s %-6s %5s %9s %9s %9s %9s %8s %9s %8s %9s\n", "scenario", "art", "conc",
           "service", "echo", "handoff", "redis", "÷echo", "÷handoff", "÷redis", "p99÷echo"
    for (i = 1; i <= n; i++) {
      key = order[i]; split(key, k, " ")
      if (calls[key, "service"] == "") continue
      ratios = ""; p99s = ""; hratios = ""
      for (r = 1; (key, "service", r) in c; r++) {
        if (c[key, "echo", r] > 0) ratios = ratios " " c[key, "service", r] / c[key, "echo", r]
        if (c[key, "handoff", r] > 0) hratios = hratios " " c[key, "service", r] / c[key, "handoff", r]
        if (p[key, "echo", r] > 0) p99s = p99s " " p[key, "service", r] / p[key, "echo", r]
      }
      s = median(calls[key, "service"]); e = median(calls[key, "echo"])
      h = median(calls[key, "handoff"])
      red = median(calls[key, "redis"])
      if (k[1] == "mix") {
        l = median(calls["list_hot small " k[3], "redis"])
        lk = median(calls["like small " k[3], "redis"])
        po = median(calls["post small " k[3], "redis"])
        if (l > 0 && lk > 0 && po > 0) red = 1 / (0.8 / l + 0.15 / lk + 0.05 / po)
      }
      printf "%-12s %-6s %5s %9.0f %9.0f %9s %9s %8s %9s %8s %9s\n", k[1], k[2], k[3], s, e,
             (h > 0 ? sprintf("%.0f", h) : "-"),
             (red > 0 ? sprintf("%.0f", red) : "-"),
             (ratios != "" ? sprintf("%.2f", median(ratios)) : "-"),
             (hratios != "" ? sprintf("%.2f", median(hratios)) : "-"),
             (red > 0 ? sprintf("%.2f", s / red) : "-"),
             (p99s != "" ? sprintf("%.2f", median(p99s)) : "-")
    }
    print ""
    print "List p50 on the big article ÷ on the small one (median of the rounds, taken in turns):"
    for (i = 1; i <= n; i++) {
      key = order[i]; split(key, k, " ")
      if (k[2] != "small" || k[1] !~ /^list_/) continue
      big = k[1] " big " k[3]; ratios = ""
      for (r = 1; (key, "service", r) in p50; r++) {
        if (p50[key, "service", r] > 0 && (big, "service", r) in p50)
          ratios = ratios " " p50[big, "service", r] / p50[key, "service", r]
      }
      if (ratios != "") printf "%-12s %5s %8.2f\n", k[1], k[3], median(ratios)
    }
  }' "$results"
