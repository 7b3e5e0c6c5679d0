#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) into build-fuzz/ and runs each one
# for FUZZ_SECONDS on a copy of its seed corpus (tests/fuzz/corpus/<name>). Any crash fails.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-30}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DTR_BUILD_FUZZERS=ON -DTR_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined" \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined" >/dev/null
# Only the fuzz targets and what they link (not every media library).
targets=$(ninja -C build-fuzz -t targets all | grep -oE '^fuzz_[A-Za-z0-9_]+:' | tr -d ':' | sort -u)
ninja -C build-fuzz -j"$(nproc)" $targets
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for bin in $(find build-fuzz/tests/fuzz -type f -name 'fuzz_*' -perm -u+x | sort); do
  name=$(basename "$bin")
  corpus_src=tests/fuzz/corpus/${name#fuzz_}
  mkdir -p "$work/$name"
  [ -d "$corpus_src" ] && cp -r "$corpus_src"/. "$work/$name"/
  echo "-- $name (${SECONDS_EACH}s)"
  if ! UBSAN_OPTIONS=halt_on_error=1 "$bin" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 \
      -artifact_prefix="$work/$name-" "$work/$name" >"$work/$name.log" 2>&1; then
    echo "FAILED: $name"; tail -40 "$work/$name.log"
    mkdir -p tests/fuzz/artifacts && cp "$work/$name"-* tests/fuzz/artifacts/ 2>/dev/null || true
    status=1
  else
    grep -E "^#[0-9]+.*(DONE|pulse)" "$work/$name.log" | tail -1 || true
  fi
done
exit $status
