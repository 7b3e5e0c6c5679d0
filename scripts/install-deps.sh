#!/usr/bin/env bash
# Installs everything the build and the tests need from Debian bookworm packages.
# Idempotent: packages already present are skipped; safe to run as root on a bare machine.
# Then builds libsrtp2 against OpenSSL (scripts/build-libsrtp.sh, cached in build/deps).
set -euo pipefail

need_root() { if [ "$(id -u)" -ne 0 ]; then echo "run as root (or via sudo)" >&2; exit 1; fi; }

BUILD_PKGS=(
  build-essential g++ cmake ninja-build ccache pkg-config git ca-certificates curl
  libboost1.74-dev libssl-dev libsqlite3-dev libsodium-dev libsrtp2-dev
  nlohmann-json3-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
TEST_PKGS=(
  clang libclang-rt-14-dev wrk procps python3 python3-yaml gdb
  chromium fonts-liberation
)

want=("${BUILD_PKGS[@]}")
if [ "${1:-}" = "--test" ]; then want+=("${TEST_PKGS[@]}"); fi
# The web client needs Node.js and npm; a machine that already has a newer Node (not from
# Debian) keeps it.
if ! command -v node >/dev/null 2>&1; then want+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then want+=(npm); fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  need_root
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# libsrtp2 built against OpenSSL from Debian's own source package into build/deps/libsrtp
# (Debian's binary libsrtp2 uses NSS: several times slower per packet). Cached: a no-op in
# well under a second once built. libsrtp2-dev above stays as CMake's fallback.
"$(dirname "$0")/build-libsrtp.sh"
