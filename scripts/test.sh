#!/usr/bin/env bash
# One command for the whole test suite: install what is missing, build, run unit and
# integration tests (CTest), web client tests, end-to-end tests in Chromium, then a short
# fuzzing pass over every parser's corpus.
# Used by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
scripts/install-deps.sh --test
scripts/build.sh
echo "== unit and integration tests"
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 600
echo "== web client tests (vitest)"
(cd web && npx --no-install vitest run)
echo "== end-to-end tests (Chromium + mediasoup-client against the real binary)"
tests/e2e/run.sh
echo "== fuzz smoke run"
FUZZ_SECONDS=${FUZZ_SECONDS:-15} scripts/fuzz.sh
echo "== all tests passed in $(( $(date +%s) - started )) s"
