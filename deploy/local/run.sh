#!/usr/bin/env bash
# Scale-out on one machine: a Redis Cluster of 3 primaries and 3 replicas,
# three comment-server replicas over it and the demo portal in front of
# them, all on loopback. Prints what to open; Ctrl-C stops everything and
# keeps the data (Redis's append-only files and cluster state), so the next
# run starts where this one stopped.
#
#   deploy/local/run.sh
#
# Environment:
#   COMMENTS_LOCAL_DIR        data, logs and secrets (var/local-cluster)
#   COMMENTS_LOCAL_PORT_BASE  first port (7000): Redis nodes BASE..BASE+5,
#                             their cluster bus BASE+10..BASE+15, the
#                             comment-server replicas BASE+20..BASE+22 and
#                             their metrics BASE+40..BASE+42, the portal
#                             BASE+30 (its metrics at /metrics). A data folder keeps its base:
#                             the cluster knows its nodes by these ports.
#   COMMENTS_BUILD_DIR        where scripts/run.sh builds (build/); the three
#                             binaries are built there when missing.
set -euo pipefail
COMMENTS_ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
data="${COMMENTS_LOCAL_DIR:-$COMMENTS_ROOT/var/local-cluster}"
base="${COMMENTS_LOCAL_PORT_BASE:-7000}"
build="${COMMENTS_BUILD_DIR:-$COMMENTS_ROOT/build}"

server_bin="$build/service/comment-server"
portal_bin="$build/demo/comment-portal"
ctl_bin="$build/client/commentctl"
if [ ! -x "$server_bin" ] || [ ! -x "$portal_bin" ] || [ ! -x "$ctl_bin" ]; then
  # shellcheck source=../../scripts/deps.sh
  source "$COMMENTS_ROOT/scripts/deps.sh"
  comments_install_deps
  cmake -S "$COMMENTS_ROOT" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j"$(nproc)" \
    --target comment-server comment-portal commentctl
fi
for tool in redis-server redis-cli; do
  command -v "$tool" >/dev/null ||
    { echo "$tool is missing: run scripts/deps.sh's packages (redis-server, redis-tools)" >&2; exit 1; }
done

mkdir -p "$data/logs"
if [ -f "$data/port-base" ] && [ "$(cat "$data/port-base")" != "$base" ]; then
  echo "$data was made with COMMENTS_LOCAL_PORT_BASE=$(cat "$data/port-base");" \
    "its cluster knows its nodes by those ports: use that base or another folder" >&2
  exit 1
fi
echo "$base" > "$data/port-base"

redis_ports=()
for i in 0 1 2 3 4 5; do redis_ports+=($((base + i))); done
server_ports=($((base + 20)) $((base + 21)) $((base + 22)))
portal_port=$((base + 30))
for port in "${redis_ports[@]}" "${server_ports[@]}" "$portal_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is taken (a run still going? another COMMENTS_LOCAL_PORT_BASE?)" >&2
    exit 1
  fi
done

redis_pids=()
server_pids=()
portal_pid=""
stop_all() {
  trap - INT TERM EXIT
  set +e
  [ -n "$portal_pid" ] && kill "$portal_pid" 2>/dev/null
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "$portal_pid" "${server_pids[@]}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null
  done
  # SIGTERM: each node flushes its append-only file and exits.
  for pid in "${redis_pids[@]}"; do kill "$pid" 2>/dev/null; done
  for _ in $(seq 300); do
    running=0
    for pid in "${redis_pids[@]}"; do kill -0 "$pid" 2>/dev/null && running=1; done
    [ "$running" = 0 ] && break
    sleep 0.1
  done
  for pid in "${redis_pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      echo "Redis (pid $pid) still running 30 s after SIGTERM: killing it" >&2
      kill -KILL "$pid"
    fi
    wait "$pid" 2>/dev/null
  done
  echo "Stopped. Data kept in $data"
}
trap 'stop_all; exit 0' INT TERM
trap 'stop_all' EXIT

for i in 0 1 2 3 4 5; do
  port=${redis_ports[$i]}
  mkdir -p "$data/redis-$port"
  redis-server "$COMMENTS_ROOT/deploy/redis.conf" --bind 127.0.0.1 \
    --port "$port" --cluster-enabled yes --cluster-config-file nodes.conf \
    --cluster-port $((base + 10 + i)) --cluster-node-timeout 5000 \
    --dir "$data/redis-$port" --daemonize no \
    --logfile "$data/logs/redis-$port.log" &
  redis_pids+=($!)
done

# Waits up to $1 tenths of a second for the command after it to succeed.
wait_for() {
  local tenths="$1"; shift
  for _ in $(seq "$tenths"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}
for port in "${redis_ports[@]}"; do
  wait_for 100 redis-cli -p "$port" ping ||
    { echo "Redis on $port did not start: $data/logs/redis-$port.log" >&2; exit 1; }
done

# First run: make the cluster. Later runs: each node reads its nodes.conf
# and the cluster comes back by itself.
assigned="$(redis-cli -p "${redis_ports[0]}" cluster info | tr -d '\r' |
  sed -n 's/^cluster_slots_assigned://p')"
if [ "$assigned" = "0" ]; then
  addresses=()
  for port in "${redis_ports[@]}"; do addresses+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${addresses[@]}" --cluster-replicas 1 \
    --cluster-yes >"$data/logs/cluster-create.log" 2>&1 ||
    { echo "cluster create failed: $data/logs/cluster-create.log" >&2; exit 1; }
fi
# Up: every node sees the cluster whole and every replica has synced (a
# replica asked to stop in the middle of its first sync may not).
cluster_ok() {
  local port
  for port in "${redis_ports[@]}"; do
    redis-cli -p "$port" cluster info | grep -q '^cluster_state:ok' || return 1
    redis-cli -p "$port" info replication | tr -d '\r' |
      grep -q -e '^role:master' -e '^master_link_status:up' || return 1
  done
}
wait_for 300 cluster_ok ||
  { echo "the cluster did not reach cluster_state:ok; logs in $data/logs" >&2; exit 1; }

# Made once, kept in the data folder: the moderator token and the page-token
# secret all replicas share (in a flag file, so it stays out of `ps`).
umask 077
tokens="$data/moderator-tokens"
[ -f "$tokens" ] ||
  echo "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n') admin" > "$tokens"
secret_flags="$data/secret.flags"
[ -f "$secret_flags" ] ||
  echo "--page_token_secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    > "$secret_flags"
umask 022
token="$(awk '!/^#/ && NF {print $1; exit}' "$tokens")"

redis_seeds="redis://127.0.0.1:${redis_ports[0]},redis://127.0.0.1:${redis_ports[1]},redis://127.0.0.1:${redis_ports[2]}"
for port in "${server_ports[@]}"; do
  "$server_bin" --listen="127.0.0.1:$port" --redis="$redis_seeds" \
    --metrics_listen="127.0.0.1:$((port + 20))" \
    --flagfile="$secret_flags" --moderator_tokens="$tokens" \
    --lexicon="$COMMENTS_ROOT/moderation/data/default_lexicon.tsv" \
    2>"$data/logs/comment-server-$port.log" &
  server_pids+=($!)
done
for port in "${server_ports[@]}"; do
  wait_for 200 "$ctl_bin" --target="127.0.0.1:$port" --deadline=1s stats probe ||
    { echo "comment-server on $port does not answer: $data/logs/comment-server-$port.log" >&2; exit 1; }
done

# One target naming the three replicas; gRPC resolves the ipv4: list itself.
targets="ipv4:127.0.0.1:${server_ports[0]},127.0.0.1:${server_ports[1]},127.0.0.1:${server_ports[2]}"
portal_url="http://127.0.0.1:$portal_port/"
"$portal_bin" --listen="127.0.0.1:$portal_port" --target="$targets" \
  --article_file="$COMMENTS_ROOT/demo/data/000_fd9a35c044ef1716.txt" \
  --moderator_token_file="$tokens" \
  >"$data/logs/comment-portal.log" 2>&1 &
portal_pid=$!
wait_for 100 grep -q serving "$data/logs/comment-portal.log" ||
  { echo "the portal did not start: $data/logs/comment-portal.log" >&2; exit 1; }

ctl="$ctl_bin --target=127.0.0.1:${server_ports[0]}"
cat <<MSG

Scale-out on one machine is up (data, logs and secrets in $data):
  Redis Cluster  127.0.0.1:${redis_ports[0]}-${redis_ports[5]} (3 primaries, 3 replicas)
  comment-server 127.0.0.1:${server_ports[0]}, :${server_ports[1]}, :${server_ports[2]}
  metrics        http://127.0.0.1:$((server_ports[0] + 20))/metrics (and :$((server_ports[1] + 20)), :$((server_ports[2] + 20))), ${portal_url}metrics
  portal         $portal_url  (gRPC target $targets)

Open the demo portal page:   $portal_url
Moderator page:              ${portal_url}moderate?token=$token

A comment posted through one replica, listed through another:
  $ctl post demo-article reader-1 '写得好，支持家乡发展！'
  $ctl_bin --target=127.0.0.1:${server_ports[2]} list demo-article
The cluster:
  redis-cli -p ${redis_ports[0]} cluster nodes
  redis-cli -p ${redis_ports[0]} cluster info

Ctrl-C stops the portal, the servers and Redis; the data stays for the next run.
MSG

# Runs until Ctrl-C, or until one of the processes exits by itself.
set +e
wait -n "${redis_pids[@]}" "${server_pids[@]}" "$portal_pid"
echo "a process exited by itself; stopping the rest (logs in $data/logs)" >&2
exit 1
