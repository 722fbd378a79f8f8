#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test.
# Usage: scripts/test.sh [extra ctest args, e.g. -L unit]
set -euo pipefail
COMMENTS_ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$COMMENTS_ROOT/scripts/deps.sh"

comments_install_deps
build="${COMMENTS_BUILD_DIR:-$COMMENTS_ROOT/build}"
comments_build "$build" -DCOMMENTS_BUILD_TESTS=ON
cd "$build"
ctest -j"$(nproc)" --output-on-failure --timeout 300 "$@"
# Once more against a one-node Redis Cluster (tests/support/redis_server.cc):
# every script and pipeline must keep its keys in one slot (CROSSSLOT), and
# the cluster's passing refusals (CLUSTERDOWN) must read as UNAVAILABLE. The
# tests that start a multi-node cluster of their own ran above.
COMMENTS_TEST_REDIS_CLUSTER=1 \
  ctest -j"$(nproc)" --output-on-failure --timeout 300 -L 'redis|e2e' \
  -E '^(RedisClusterTest|RedisClusterWithReplicasTest|RedisClusterClientTest|RedisClusterFailoverTest|ClusterServerTest)\.' "$@"
