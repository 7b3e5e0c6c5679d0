#!/usr/bin/env bash
# CTest smoke test of tr_loadgen (label bench-smoke): starts a server of its own (temp data
# dir, ephemeral ports, high rate limits), runs 5 viewers for 3 s, and checks that every
# viewer received media and that the JSON is well formed. Usage: smoke_test.sh SERVER LOADGEN
set -euo pipefail
SERVER=${1:?server binary}
LOADGEN=${2:?tr_loadgen binary}
[[ -x "$SERVER" ]] || { echo "no server binary at $SERVER (build the tradingroom target or set TR_LOADGEN_SERVER)"; exit 1; }
TMP=$(mktemp -d /tmp/tr-loadgen-smoke.XXXXXX)
SERVER_PID=
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

"$SERVER" serve --data-dir "$TMP/data" --port 0 --bind 127.0.0.1 --rtc-port-min 0 --media-workers 1 \
  --announced-ip 127.0.0.1 --log-level info \
  --rate-limit-auth 100000 --rate-limit-api 10000000 --rate-limit-ws 100000 --rate-limit-transport 100000 \
  >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
PORT=
for _ in $(seq 1 100); do
  PORT=$(grep -m1 '"msg":"listening"' "$TMP/server.log" 2>/dev/null | sed -E 's/.*"port":([0-9]+).*/\1/' || true)
  [[ -n "$PORT" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited:"; cat "$TMP/server.log"; exit 1; }
  sleep 0.1
done
[[ -n "$PORT" ]] || { echo "server did not start listening:"; tail -20 "$TMP/server.log"; exit 1; }

set +e
timeout 40 "$LOADGEN" --server "127.0.0.1:$PORT" --viewers 5 --seconds 3 --warmup-ms 1000 \
  --server-pid "$SERVER_PID" --json "$TMP/out.json" --label smoke
RC=$?
set -e
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "the server died during the run; last log lines:"; tail -20 "$TMP/server.log"; exit 1
fi
[[ $RC -eq 0 ]] || { echo "tr_loadgen exited with $RC"; grep -v '"level":"info"' "$TMP/server.log" | tail -20; exit 1; }
python3 - "$TMP/out.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["results"]
assert len(r) == 1, r
r = r[0]
assert r["viewers"] == 5 and r["viewersReady"] == 5, r
assert r["viewersReceiving"] == 5, "a viewer received no video or no audio"
assert r["forwardedPacketsPerSecond"] > 0 and r["forwardedMbps"] > 0
assert r["serverCpu"]["pctOfOneCore"] >= 0 and r["latencyUs"]["samples"] > 0
for k in ("lossPct", "serverCpu", "latencyUs", "hostSent", "udpDrops"):
    assert k in r, k
print("smoke ok: %.0f pkt/s forwarded, loss %.2f%%, delay p50 %.0f us" %
      (r["forwardedPacketsPerSecond"], r["lossPct"], r["latencyUs"]["p50"]))
PY
