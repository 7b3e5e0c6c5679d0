#!/usr/bin/env bash
# Configures and builds the server (and, when web/ exists, the web client) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
# ccache: paths relative to the checkout, so another clone (CI's) reuses the cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
JOBS=${JOBS:-$(nproc)}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
ninja -C "$BUILD_DIR" -j"$JOBS"
if [ -f web/package.json ] && [ -x scripts/build-web.sh ]; then
  scripts/build-web.sh
fi
