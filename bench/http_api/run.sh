#!/usr/bin/env bash
# Authenticated GET throughput and latency of the REST API, measured with wrk on loopback.
# Starts the real binary (log level info, fresh data dir), creates a user, organization,
# workspace and room, then runs wrk against GET /api/v1/rooms/{id} with a bearer token.
# The API rate limit is raised for the run (the limiter still runs on every request).
#
#   bench/http_api/run.sh [duration_s=10] [connections=64] [wrk_threads=1]
# Env: TRADINGROOM_BIN, SERVER_CPUS / WRK_CPUS (taskset lists, e.g. 0 and 1).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TRADINGROOM_BIN:-build/src/app/tradingroom}
DURATION=${1:-10}
CONNECTIONS=${2:-64}
WRK_THREADS=${3:-1}
PORT=${PORT:-$(/usr/bin/python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")}
DATA=$(mktemp -d)
pin() { local cpus=$1; shift; if [ -n "$cpus" ]; then taskset -c "$cpus" "$@"; else "$@"; fi; }
pin "${SERVER_CPUS:-}" "$BIN" serve --port "$PORT" --data-dir "$DATA" --log-level info \
  --rate-limit-api 10000000 --rate-limit-auth 1000 --rtc-port-min 0 --media-workers 1 \
  >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null && break; sleep 0.1; done

api() { curl -sf -X "$1" "http://127.0.0.1:$PORT$2" -H 'Content-Type: application/json' ${TOKEN:+-H "Authorization: Bearer $TOKEN"} ${3:+-d "$3"}; }
json() { /usr/bin/python3 -c "import sys,json; print(json.load(sys.stdin)$1)"; }
TOKEN=$(api POST /api/v1/auth/signup '{"email":"bench@example.com","password":"benchmark-pw","displayName":"Bench"}' | json '["accessToken"]')
ORG=$(api POST /api/v1/organizations '{"name":"Bench Org"}' | json '["id"]')
WS=$(api POST "/api/v1/organizations/$ORG/workspaces" '{"name":"Desk"}' | json '["id"]')
ROOM=$(api POST "/api/v1/workspaces/$WS/rooms" '{"name":"Morning session"}' | json '["id"]')

URL="http://127.0.0.1:$PORT/api/v1/rooms/$ROOM"
echo "GET $URL  (${DURATION}s, ${CONNECTIONS} connections, ${WRK_THREADS} wrk threads)"
pin "${WRK_CPUS:-}" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
  -H "Authorization: Bearer $TOKEN" "$URL" | tee "$DATA/wrk.txt"
rps=$(awk '/Requests\/sec/ {print $2}' "$DATA/wrk.txt")
p99=$(awk '$1=="99%" {print $2}' "$DATA/wrk.txt")
echo "RESULT requests_per_second=$rps p99=$p99"
