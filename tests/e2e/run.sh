#!/usr/bin/env bash
# End-to-end tests: the real tradingroom binary + headless Debian Chromium (playwright-core,
# mediasoup-client) + a Node signaling protocol client.
#
#   tests/e2e/run.sh                       # all tests (tests/*.test.mjs)
#   tests/e2e/run.sh tests/ice-tcp.test.mjs
#
# Environment: TRADINGROOM_BIN (default build/src/app/tradingroom of this checkout),
# TR_CHROMIUM (default /usr/bin/chromium), TR_E2E_TIMEOUT (whole run, seconds, default 600),
# TR_RECORD_RESULTS=1 (join-latency writes bench/results/join_to_first_frame.json),
# TR_TRACE=1 (print every signaling message and page console line), TR_KEEP_DATA=1.
# Needs node >= 20, npm, and Debian's chromium package; never downloads a browser.
set -euo pipefail
cd "$(dirname "$0")"

REPO=$(cd ../.. && pwd)
BIN=${TRADINGROOM_BIN:-$REPO/build/src/app/tradingroom}
CHROMIUM=${TR_CHROMIUM:-/usr/bin/chromium}
TIMEOUT=${TR_E2E_TIMEOUT:-600}

command -v node >/dev/null || { echo "e2e: node not found" >&2; exit 1; }
[ -x "$BIN" ] || { echo "e2e: server binary not found at $BIN (build it or set TRADINGROOM_BIN)" >&2; exit 1; }
[ -x "$CHROMIUM" ] || { echo "e2e: Chromium not found at $CHROMIUM (apt-get install chromium)" >&2; exit 1; }
export TRADINGROOM_BIN="$BIN" TR_CHROMIUM="$CHROMIUM"
# playwright-core must never fetch a browser of its own
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# npm ci only when node_modules is missing or package-lock.json changed since the last install
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat node_modules/.e2e-lock-hash 2>/dev/null || true)" != "$lock_hash" ]; then
  echo "e2e: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.e2e-lock-hash
fi

node build-page.mjs

if [ "$#" -gt 0 ]; then
  files=("$@")
else
  files=(tests/*.test.mjs)
fi

# Files run one after the other: the browser tests encode 1080p simulcast in software and
# the machine has 2 cores, and the join-latency figure should not be skewed by a neighbour.
status=0
timeout --kill-after=10 "$TIMEOUT" node --test --test-concurrency=1 --test-reporter=spec "${files[@]}" || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "e2e: the suite exceeded its global timeout of ${TIMEOUT}s" >&2
fi
exit "$status"
