#!/usr/bin/env bash
# Builds the web client into web/dist (served by `tradingroom serve` at /).
# Installs node dependencies with `npm ci` when node_modules is missing or older than
# package-lock.json, then type-checks (tsc --noEmit) and bundles (vite build).
# Works with Node 18 (Debian bookworm) and Node 20+. Set SKIP_WEB_TESTS=0 to also run `npm test`.
set -euo pipefail
cd "$(dirname "$0")/../web"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "build-web: node and npm are required (apt-get install nodejs npm)" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 18 ]; then
  echo "build-web: Node >= 18 required, found $(node --version)" >&2
  exit 1
fi

stamp=node_modules/.package-lock.json
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "build-web: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "build-web: tsc --noEmit"
npx --no-install tsc --noEmit -p .
if [ "${SKIP_WEB_TESTS:-1}" = "0" ]; then
  echo "build-web: vitest run"
  npx --no-install vitest run
fi
echo "build-web: vite build"
npx --no-install vite build --logLevel warn
echo "build-web: done -> web/dist"
