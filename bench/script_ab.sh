#!/usr/bin/env bash
# What a change to the service's Lua scripts costs Redis, measured side by
# side: the post, like and list scripts of a base commit against those of the
# working tree, each driven by redis-benchmark (one EVALSHA a request, as the
# service sends it) on one Redis, taking turns ROUNDS times. The new scripts
# also run with the options they added: post with flood control on, list
# with a viewer. Prints each round and the median calls/s of each variant,
# with its ratio to the base.
#
# Usage: bench/script_ab.sh [BASE_COMMIT]   (default cd89435, before the
#   flood-control and viewer-likes changes)
#   BUILD  build with comment-seed (default: build)
#   ROUNDS rounds (6)   CLIENTS redis-benchmark connections (16)
#   REQUESTS requests a run (20000)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${BUILD:-$root/build}" && pwd)"
base="${1:-cd89435}"
rounds="${ROUNDS:-6}"
clients="${CLIENTS:-16}"
requests="${REQUESTS:-20000}"
work="$(mktemp -d)"
sock="$work/r.sock"
cleanup() {
  redis-cli -s "$sock" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

redis-server --port 0 --unixsocket "$sock" --save '' --appendonly no \
  --daemonize yes --dir "$work" --logfile "$work/redis.log"
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
"$build/bench/comment-seed" --redis="unix://$sock" --article=small \
  --count=1000 --threads=2 >/dev/null

lua="$root/service/store/lua"
mkdir -p "$work/base"
for s in prelude post_comment like_comment list_comments; do
  # The scripts lived in service/internal/lua before the store had a folder.
  git -C "$root" show "$base:service/store/lua/$s.lua" >"$work/base/$s.lua" \
    2>/dev/null ||
    git -C "$root" show "$base:service/internal/lua/$s.lua" >"$work/base/$s.lua"
done
load() {  # load DIR SCRIPT: its SHA once loaded with its prelude
  cat "$1/prelude.lua" - "$1/$2.lua" <<<"" |
    redis-cli -s "$sock" -x script load | tr -d '\r'
}
post_base="$(load "$work/base" post_comment)"
like_base="$(load "$work/base" like_comment)"
list_base="$(load "$work/base" list_comments)"
post_new="$(load "$lua" post_comment)"
like_new="$(load "$lua" like_comment)"
list_new="$(load "$lua" list_comments)"

body="$(printf '好%.0s' $(seq 100))"
k='c:{small}'
post_keys=("$k:c" "$k:s" "$k:p" "$k:b" "$k:h" "$k:i:5:bench:__rand_int__"
           "$k:h" "$k:qp")
post_args=('' '' bench 读者 "$body" '__rand_int__' 86400 21600 2 allow post '')
rps() {
  redis-benchmark -s "$sock" -n "$requests" -c "$clients" -r 1000000 -q "$@" |
    tr '\r' '\n' | grep -oE '[0-9.]+ requests per second' | tail -1 |
    cut -d' ' -f1
}
variants=(post_base post_new post_new_flood like_base like_new list_base
          list_new list_new_viewer)
run() {
  case "$1" in
    post_base) rps EVALSHA "$post_base" 8 "${post_keys[@]}" "${post_args[@]}" ;;
    post_new) rps EVALSHA "$post_new" 10 "${post_keys[@]}" "$k:r:5:bench" \
                "$k:d:5:bench" "${post_args[@]}" 0 60000 0 ;;
    # A random author and body each time, so the limit and the duplicate
    # check run but never refuse.
    post_new_flood) rps EVALSHA "$post_new" 10 "${post_keys[@]:0:5}" \
                      "$k:i:5:b:__rand_int__" "$k:h" "$k:qp" \
                      "$k:r:5:b__rand_int__" "$k:d:5:b__rand_int__" '' '' \
                      bench 读者 "${body}__rand_int__" '__rand_int__' 86400 \
                      21600 2 allow post '' 1000 60000 600000 ;;
    like_base) rps EVALSHA "$like_base" 4 "$k:c" "$k:l:1" "$k:h" "$k:p" 1 '' \
                 'fan-__rand_int__' 1 21600 2 ;;
    like_new) rps EVALSHA "$like_new" 5 "$k:c" "$k:l:1" "$k:h" "$k:p" \
                "$k:u:fan-__rand_int__" 1 '' 'fan-__rand_int__' 1 21600 2 ;;
    list_base) rps EVALSHA "$list_base" 2 "$k:c" "$k:h" desc '' '' 21 '' \
                 last zset ;;
    list_new) rps EVALSHA "$list_new" 2 "$k:c" "$k:h" desc '' '' 21 '' last \
                zset ;;
    list_new_viewer) rps EVALSHA "$list_new" 3 "$k:c" "$k:h" \
                       "$k:u:fan-__rand_int__" desc '' '' 21 '' last zset ;;
  esac
}

echo "base $base, $rounds rounds of $requests requests, $clients clients," \
  "load average $(cut -d' ' -f1 /proc/loadavg)"
echo "round ${variants[*]}"
declare -A seen
for round in $(seq "$rounds"); do
  line="$round"
  for v in "${variants[@]}"; do
    r="$(run "$v")"
    seen[$v]+="$r "
    line+=" $r"
  done
  echo "$line"
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {
  print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo "== medians (calls/s, ratio to the base script)"
for v in "${variants[@]}"; do
  m="$(median <<<"${seen[$v]}")"
  b="$(median <<<"${seen[${v%%_*}_base]}")"
  awk -v v="$v" -v m="$m" -v b="$b" 'BEGIN { printf "%-16s %10.0f  %.2f\n", v, m, m / b }'
done
