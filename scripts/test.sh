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
