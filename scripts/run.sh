#!/usr/bin/env bash
# One command for a new user: install what is missing, build, and run every role of the
# product on http://localhost:8080 with its data in ./data (SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/src/app/tradingroom serve "$@"
