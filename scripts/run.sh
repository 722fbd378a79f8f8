#!/usr/bin/env bash
# Installs what is missing, builds, and starts a local Redis (data and AOF in
# var/redis) and comment-server on 127.0.0.1:50051. Ctrl-C stops both.
# Environment: COMMENTS_PORT (50051), COMMENTS_REDIS_PORT (6379).
set -euo pipefail
COMMENTS_ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$COMMENTS_ROOT/scripts/deps.sh"

comments_install_deps
build="${COMMENTS_BUILD_DIR:-$COMMENTS_ROOT/build}"
comments_build "$build"

port="${COMMENTS_PORT:-50051}"
redis_port="${COMMENTS_REDIS_PORT:-6379}"
var="$COMMENTS_ROOT/var/redis"
mkdir -p "$var"
redis-server "$COMMENTS_ROOT/deploy/redis.conf" --port "$redis_port" \
  --dir "$var" --daemonize yes --pidfile "$var/redis.pid" \
  --logfile "$var/redis.log"
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  redis-cli -p "$redis_port" shutdown >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

"$build/service/comment-server" --listen="127.0.0.1:$port" \
  --redis="redis://127.0.0.1:$redis_port" &
server_pid=$!
sleep 1
ctl="$build/client/commentctl --target=127.0.0.1:$port"
cat <<MSG

The comment service is up: gRPC on 127.0.0.1:$port, Redis on 127.0.0.1:$redis_port
(data and append-only file in var/redis). Try it:

  $ctl post demo-article reader-1 '写得好，支持家乡发展！' --name=竹山网友
  $ctl like demo-article 1 reader-2
  $ctl list demo-article --order=hot
  $ctl stats demo-article

Ctrl-C stops the service and Redis.
MSG
wait "$server_pid"
