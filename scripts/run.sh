#!/usr/bin/env bash
# Installs what is missing, builds, and starts a local Redis (data and AOF in
# var/redis), comment-server on 127.0.0.1:50051 and the demo portal page
# (comment-portal) on http://127.0.0.1:8080/, with Prometheus metrics at
# http://127.0.0.1:9464/metrics (the portal's at its /metrics). Ctrl-C
# stops all three. Environment: COMMENTS_PORT (50051), COMMENTS_REDIS_PORT
# (6379), COMMENTS_PORTAL_PORT (8080), COMMENTS_METRICS_PORT (9464).
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
  [ -n "${portal_pid:-}" ] && kill "$portal_pid" 2>/dev/null && wait "$portal_pid" 2>/dev/null
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  redis-cli -p "$redis_port" shutdown >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

# A moderator token for this machine, made once and kept in var/.
tokens="$COMMENTS_ROOT/var/moderator-tokens"
if [ ! -f "$tokens" ]; then
  umask 077
  echo "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n') admin" > "$tokens"
fi
token="$(awk '!/^#/ && NF {print $1; exit}' "$tokens")"

metrics_port="${COMMENTS_METRICS_PORT:-9464}"
"$build/service/comment-server" --listen="127.0.0.1:$port" \
  --redis="redis://127.0.0.1:$redis_port" \
  --metrics_listen="127.0.0.1:$metrics_port" \
  --lexicon="$COMMENTS_ROOT/moderation/data/default_lexicon.tsv" \
  --moderator_tokens="$tokens" --wave_accounts=3 &
server_pid=$!
sleep 1

# The demo portal page over the service: the seed article and its comment
# block; moderators sign in at /moderate with the token above.
portal_port="${COMMENTS_PORTAL_PORT:-8080}"
portal_url="http://127.0.0.1:$portal_port/"
portal_article=zhushan-fd9a35c044ef1716
"$build/demo/comment-portal" --listen="127.0.0.1:$portal_port" \
  --target="127.0.0.1:$port" --article_id="$portal_article" \
  --article_file="$COMMENTS_ROOT/demo/data/000_fd9a35c044ef1716.txt" \
  --moderator_token_file="$tokens" >/dev/null &
portal_pid=$!
ctl="$build/client/commentctl --target=127.0.0.1:$port"
cat <<MSG

The comment service is up: gRPC on 127.0.0.1:$port, Redis on 127.0.0.1:$redis_port
(data and append-only file in var/redis).

Open the demo portal page:   $portal_url
  (try posting '有事加微信详聊' or '来玩博彩' to see moderation at work;
  its comments are those of article $portal_article)
Moderator page:              ${portal_url}moderate?token=$token
Metrics (Prometheus):        http://127.0.0.1:$metrics_port/metrics and ${portal_url}metrics

Or from the shell (\`commentctl help\` lists every command):

  $ctl post demo-article reader-1 '写得好，支持家乡发展！' --name=竹山网友
  $ctl like demo-article 1 reader-2
  $ctl list demo-article --order=hot
  $ctl stats demo-article
  $ctl post demo-article reader-3 '人生就是博官网，注册就送'     # blocked: gambling

Moderators (token in var/moderator-tokens):
  export COMMENTS_MODERATOR_TOKEN=$token
  $ctl policy demo-article pre
  $ctl queue pending
  $ctl approve demo-article 4
  $ctl audit
  $ctl waves                   # copy-paste waves (held after 3 accounts: --wave_accounts)

Ctrl-C stops the portal, the service and Redis.
MSG
wait "$server_pid"
