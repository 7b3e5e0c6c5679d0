#!/usr/bin/env bash
# Broadcast load benchmark: starts the real server pinned to one core, runs tr_loadgen
# pinned to another for each viewer count, prints the table and stores the JSON under
# bench/results/loadgen-<date>.json and bench/results/loadgen-latest.json.
#
# Environment (all optional):
#   VIEWERS=50,100,200,500   viewer counts (phases; viewers are added, not restarted)
#   SECONDS_PER_N=20         measurement window per count
#   SERVER_CPU=0 LOADGEN_CPU=1
#   SERVER=build/src/app/tradingroom  LOADGEN=build-loadgen/bench/loadgen/tr_loadgen
#   FULL=5                   full viewers (decrypt, RR, NACK), the latency probe included
#   EXTRA_ARGS=...           more tr_loadgen arguments, e.g. "--pacing-factor 0" (frame bursts;
#                            the default is 2.5, libwebrtc's) — recorded in the label; the
#                            JSON's config.pacing has the values the generator used
#   NICE=-15                 priority of server and generator (root only; 0 = as is). Each
#                            runs in a session of its own (setsid) whose autogroup gets this
#                            nice value: with CONFIG_SCHED_AUTOGROUP a plain `nice` only ranks
#                            a process within its session, so on a machine shared with compile
#                            jobs and browsers a pinned server would get a fraction of its
#                            core and latency would measure the scheduler.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SERVER=${SERVER:-$ROOT/build/src/app/tradingroom}
LOADGEN=${LOADGEN:-$ROOT/build-loadgen/bench/loadgen/tr_loadgen}
VIEWERS=${VIEWERS:-50,100,200,500}
SECONDS_PER_N=${SECONDS_PER_N:-20}
SERVER_CPU=${SERVER_CPU:-0}
LOADGEN_CPU=${LOADGEN_CPU:-1}
FULL=${FULL:-5}
if [[ $(id -u) -eq 0 ]]; then NICE=${NICE:--15}; else NICE=${NICE:-0}; fi
RESULTS=$ROOT/bench/results
[[ -x "$SERVER" ]] || { echo "no server at $SERVER (ninja -C build tradingroom)"; exit 1; }
[[ -x "$LOADGEN" ]] || { echo "no tr_loadgen at $LOADGEN (ninja -C build-loadgen tr_loadgen)"; exit 1; }
mkdir -p "$RESULTS"
TMP=$(mktemp -d /tmp/tr-loadgen.XXXXXX)
SERVER_PID=
cleanup() {
  if [[ -n "${LOADGEN_PID:-}" ]] && kill -0 "$LOADGEN_PID" 2>/dev/null; then kill "$LOADGEN_PID" || true; fi
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -z "${KEEP_TMP:-}" ]]; then rm -rf "$TMP"; else echo "kept $TMP"; fi
}
trap cleanup EXIT

setsid nice -n "$NICE" taskset -c "$SERVER_CPU" "$SERVER" serve --data-dir "$TMP/data" --port 0 --bind 127.0.0.1 \
  --rtc-port-min 0 --media-workers 1 --announced-ip 127.0.0.1 --log-level info \
  --rate-limit-auth 100000 --rate-limit-api 10000000 --rate-limit-ws 100000 --rate-limit-transport 100000 \
  >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
set_priority() {  # PID: the autogroup (session) nice, as the comment above explains
  [[ "$NICE" != 0 ]] || return 0
  local mine; mine=$(cut -d' ' -f1 /proc/$$/autogroup 2>/dev/null)
  for _ in $(seq 1 50); do  # wait until setsid() gave the process its own autogroup
    [[ "$(cut -d' ' -f1 /proc/$1/autogroup 2>/dev/null)" != "$mine" ]] && break
    sleep 0.02
  done
  echo "$NICE" > "/proc/$1/autogroup" 2>/dev/null || echo "could not set the priority of $1"
}
set_priority "$SERVER_PID"
PORT=
for _ in $(seq 1 100); do
  PORT=$(grep -m1 '"msg":"listening"' "$TMP/server.log" 2>/dev/null | sed -E 's/.*"port":([0-9]+).*/\1/' || true)
  [[ -n "$PORT" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited:"; cat "$TMP/server.log"; exit 1; }
  sleep 0.1
done
[[ -n "$PORT" ]] || { echo "server did not start"; tail -20 "$TMP/server.log"; exit 1; }

DATE=$(date -u +%Y%m%dT%H%M%SZ)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain -- src 2>/dev/null | wc -l)
PACING=$(echo " ${EXTRA_ARGS:-} " | sed -nE 's/.* --pacing-factor[ =]([^ ]+) .*/\1/p')
PACING_BURST=$(echo " ${EXTRA_ARGS:-} " | sed -nE 's/.* --pacing-burst-ms[ =]([^ ]+) .*/\1/p')
if [[ "${PACING:-2.5}" =~ ^0*\.?0*$ ]]; then PACED="pacing 0 (frame bursts)"; else PACED="pacing ${PACING:-2.5} (burst ${PACING_BURST:-5} ms)"; fi
LABEL="$PACED, nice $NICE, commit $COMMIT (+$DIRTY modified files under src), server $(stat -c %y "$SERVER" | cut -d. -f1), load $(cut -d' ' -f1-3 /proc/loadavg)${EXTRA_ARGS:+, args: $EXTRA_ARGS}"
echo "server pid $SERVER_PID on CPU $SERVER_CPU, port $PORT; loadgen on CPU $LOADGEN_CPU; $LABEL"

echo "server autogroup: $(cat /proc/$SERVER_PID/autogroup 2>/dev/null)"
set +e
setsid nice -n "$NICE" taskset -c "$LOADGEN_CPU" "$LOADGEN" --server "127.0.0.1:$PORT" --viewers "$VIEWERS" \
  --seconds "$SECONDS_PER_N" --full "$FULL" --server-pid "$SERVER_PID" --json "$TMP/out.json" --label "$LABEL" \
  ${EXTRA_ARGS:-} &
LOADGEN_PID=$!
set_priority "$LOADGEN_PID"
echo "loadgen autogroup: $(cat /proc/$LOADGEN_PID/autogroup 2>/dev/null)"
wait "$LOADGEN_PID"
RC=$?
set -e
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "THE SERVER DIED during the run; last log lines:"; tail -30 "$TMP/server.log"
fi
echo "server warnings/errors during the run:"
grep -v '"level":"info"' "$TMP/server.log" | grep -v '"level":"debug"' | tail -20 || true
if [[ -s "$TMP/out.json" ]]; then
  cp "$TMP/out.json" "$RESULTS/loadgen-$DATE.json"
  cp "$TMP/out.json" "$RESULTS/loadgen-latest.json"
  echo "results: $RESULTS/loadgen-$DATE.json"
fi
exit $RC
