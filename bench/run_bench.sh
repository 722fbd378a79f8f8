#!/usr/bin/env bash
# The side-by-side service benchmark (issue 5): one command, a few minutes.
#   bench/run_bench.sh [BUILD_DIR]
# Environment: SMALL (1000) and BIG (1000000) comment counts, LEVELS
# (16,64,256), DURATION (5s). Starts its own Redis, comment-server and
# comment-echo on loopback, seeds, drives each scenario against the server
# and the echo ceiling in the same run, runs redis-benchmark for the Redis
# ceiling, and stops everything.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
small="${SMALL:-1000}"; big="${BIG:-1000000}"
levels="${LEVELS:-16,64,256}"; duration="${DURATION:-5s}"
work="$(mktemp -d)"
sock="$work/redis.sock"
cleanup() {
  kill "${server:-}" "${echo_pid:-}" 2>/dev/null || true
  redis-cli -s "$sock" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

redis-server --port 0 --unixsocket "$sock" --save '' --appendonly no \
  --dir "$work" --daemonize yes --logfile "$work/redis.log"
for _ in $(seq 50); do redis-cli -s "$sock" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis_pid="$(redis-cli -s "$sock" info server | awk -F: '/^process_id/ {print $2}' | tr -d '\r')"

echo "== seeding (memory per comment)"
"$build/bench/comment-seed" --redis="unix://$sock" --article=small --count="$small" --threads=4
"$build/bench/comment-seed" --redis="unix://$sock" --article=big --count="$big" --threads=4

"$build/service/comment-server" --listen=127.0.0.1:50071 --redis="unix://$sock" \
  --lexicon="$root/moderation/data/default_lexicon.tsv" 2>"$work/server.log" &
server=$!
"$build/bench/comment-echo" --listen=127.0.0.1:50072 2>"$work/echo.log" &
echo_pid=$!
sleep 2

lg() { "$build/bench/comment-loadgen" --concurrency="$levels" --duration="$duration" "$@"; }
for scenario in list_hot list_newest; do
  for article in small big; do
    echo "== $scenario on $article"
    lg --label="service " --target=127.0.0.1:50071 --scenario=$scenario --article=$article \
       --pids=server:$server,redis:$redis_pid
    lg --label="echo    " --target=127.0.0.1:50072 --scenario=$scenario --pids=echo:$echo_pid
  done
done
for scenario in like post stats batch_stats mix; do
  echo "== $scenario"
  lg --label="service " --target=127.0.0.1:50071 --scenario=$scenario --article=small \
     --comment_count="$small" --pids=server:$server,redis:$redis_pid
  lg --label="echo    " --target=127.0.0.1:50072 --scenario=$scenario --pids=echo:$echo_pid
done

echo "== Redis ceiling: the list script's Redis work (ZREVRANGE 20 + 20 HGET), redis-benchmark"
list_lua="local ids=redis.call('ZREVRANGE',KEYS[2],0,20,'WITHSCORES') local out={} for i=1,#ids,2 do out[#out+1]=redis.call('HGET',KEYS[1],ids[i]) end return out"
for c in ${levels//,/ }; do
  printf "redis    list c=%-4s " "$c"
  redis-benchmark -s "$sock" -n 50000 -c "$c" -q EVAL "$list_lua" 2 'c:{big}:c' 'c:{big}:h' | tr '\r' '\n' | tail -1
done
