#!/usr/bin/env bash
# Builds libsrtp2 against OpenSSL from Debian's own source package and installs it (static,
# PIC, -O2) into build/deps/libsrtp, where src/media/srtp/CMakeLists.txt picks it up.
#
# Why: Debian's binary libsrtp2 is built with --enable-nss. NSS creates a cipher context
# (several heap allocations and a lock) for every packet, which costs 2-5x the OpenSSL
# path and dominates the SFU's per-consumer cost. Same source, same version, same Debian
# patches; only the crypto engine differs.
#
# Idempotent: a stamp file records the source version and the build recipe; when it
# matches what apt would fetch, the script does nothing (no network, well under 1 s).
# Otherwise, as root on a fresh bookworm machine, it:
#   1. adds deb-src entries mirroring the bookworm deb entries
#      (/etc/apt/sources.list.d/tradingroom-src.sources) if no deb-src is configured;
#   2. runs apt-get update and installs build-essential, dpkg-dev, libssl-dev, pkg-config;
#   3. downloads the source package into build/deps/src (kept as a cache), unpacks it with
#      Debian's patches, runs ./configure --enable-openssl, builds libsrtp2.a, checks it
#      uses OpenSSL and not NSS, and installs it atomically into build/deps/libsrtp.
# Root is needed only for steps 1-2, and only when something is missing.
#
# Environment: TR_DEPS_DIR (default <repo>/build/deps), JOBS (default nproc), CC (gcc).
# Options: --force rebuilds even when the stamp matches.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
DEPS_DIR=${TR_DEPS_DIR:-$repo/build/deps}
PREFIX=$DEPS_DIR/libsrtp
SRC_CACHE=$DEPS_DIR/src
STAMP=$PREFIX/tradingroom-build.stamp
JOBS=${JOBS:-$(nproc)}
SRC_PKG=libsrtp2
SOURCES_FILE=/etc/apt/sources.list.d/tradingroom-src.sources
BUILD_PKGS=(build-essential dpkg-dev libssl-dev pkg-config)

# The recipe: changing any of these rebuilds (it is part of the stamp).
CONFIGURE_ARGS=(--enable-openssl --disable-nss --disable-pcap --disable-debug-logging
  --disable-log-stdout)
BUILD_CFLAGS="-O2 -g -fPIC -D_REENTRANT"
BUILD_CC=${CC:-gcc}
RECIPE_VERSION=1

force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-libsrtp: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

say() { echo "build-libsrtp: $*"; }
die() { echo "build-libsrtp: $*" >&2; exit 1; }
need_root() {
  [ "$(id -u)" -eq 0 ] || die "$1 needs root: run scripts/install-deps.sh (or this script) as root"
}

codename=$( . /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}" )
[ -n "$codename" ] || codename=bookworm

# Newest source version apt knows of (local lists only, no network); empty if none.
source_version() {
  local best="" v
  while read -r v; do
    if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
  done < <(apt-cache showsrc --only-source "$SRC_PKG" 2>/dev/null | sed -n 's/^Version: //p')
  echo "$best"
}

stamp_text() {  # $1 = source version
  printf 'source=%s %s\ncrypto=openssl\nrecipe=%s\nconfigure=%s\ncflags=%s\ncc=%s\n' \
    "$SRC_PKG" "$1" "$RECIPE_VERSION" "${CONFIGURE_ARGS[*]}" "$BUILD_CFLAGS" \
    "$( { "$BUILD_CC" --version 2>/dev/null || echo none; } | head -1)"
}

installed_ok() {
  [ -f "$STAMP" ] && [ -f "$PREFIX/lib/libsrtp2.a" ] && [ -f "$PREFIX/include/srtp2/srtp.h" ]
}

mkdir -p "$DEPS_DIR"
# Two runs at once (e.g. run.sh and test.sh): the second waits, then finds the work done.
# (Read-only when someone else's file: enough for flock, and for the check below.)
lock=$DEPS_DIR/.libsrtp.lock
if ! { exec 9>>"$lock"; } 2>/dev/null; then exec 9<"$lock"; fi
flock 9

# ---- fast path: nothing to do ------------------------------------------------------------
want=$(source_version)
if [ "$force" = 0 ] && installed_ok; then
  if [ -n "$want" ] && [ "$(cat "$STAMP")" = "$(stamp_text "$want")" ]; then
    say "up to date ($SRC_PKG $want with OpenSSL in ${PREFIX#"$repo"/})"
    exit 0
  fi
  # No deb-src lists on this machine (e.g. apt lists were cleaned): trust a stamp made
  # with the current recipe rather than requiring the network.
  if [ -z "$want" ]; then
    have=$(sed -n 's/^source=[^ ]* //p' "$STAMP")
    if [ "$(cat "$STAMP")" = "$(stamp_text "$have")" ]; then
      say "up to date ($SRC_PKG $have with OpenSSL; apt has no source lists to compare with)"
      exit 0
    fi
  fi
fi

started=$(date +%s)

# ---- 1. deb-src entries ------------------------------------------------------------------
# Prints deb822 stanzas with Types: deb-src for every enabled deb entry of this release
# (suite == codename or codename-*), from both .sources and one-line .list files.
mirror_deb_entries() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    [ "$f" = "$SOURCES_FILE" ] && continue
    awk -v cn="$codename" '
      function flush() {
        if (n > 0 && types ~ /(^|[ \t])deb([ \t]|$)/ && enabled !~ /^[ \t]*no/ && suites_ok) {
          print "Types: deb-src"
          for (i = 1; i <= n; i++) if (lines[i] !~ /^(Types|Enabled):/) print lines[i]
          print ""
        }
        n = 0; types = ""; enabled = ""; suites_ok = 0
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      {
        lines[++n] = $0
        if ($1 == "Types:") types = substr($0, index($0, ":") + 1)
        if ($1 == "Enabled:") enabled = substr($0, index($0, ":") + 1)
        if ($1 == "Suites:") for (i = 2; i <= NF; i++) if ($i == cn || index($i, cn "-") == 1) suites_ok = 1
      }
      END { flush() }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v cn="$codename" '
      $1 != "deb" { next }
      {
        opts = ""; k = 2
        if ($2 ~ /^\[/) { while (k <= NF) { opts = opts " " $k; if ($k ~ /\]$/) { k++; break } k++ } }
        uri = $k; suite = $(k + 1); comps = ""
        for (i = k + 2; i <= NF; i++) comps = comps (comps == "" ? "" : " ") $i
        if (suite != cn && index(suite, cn "-") != 1) next
        print "Types: deb-src"; print "URIs: " uri; print "Suites: " suite
        if (comps != "") print "Components: " comps
        if (match(opts, /signed-by=[^] ]+/)) print "Signed-By: " substr(opts, RSTART + 10, RLENGTH - 10)
        print ""
      }' "$f"
  done
}

have_deb_src_config() {
  grep -rqsE '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    || grep -rqsE '^Types:.*deb-src' /etc/apt/sources.list.d/*.sources
}

apt_updated=0
apt_update() {
  [ "$apt_updated" = 1 ] && return 0
  need_root "apt-get update"
  say "apt-get update"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null || die "apt-get update failed"
  apt_updated=1
}

if [ -z "$want" ]; then
  if ! have_deb_src_config; then
    need_root "adding a deb-src entry"
    entries=$(mirror_deb_entries)
    if [ -z "$entries" ]; then  # no deb entry for this release found: Debian's defaults
      entries=$(printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s %s-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb-src\nURIs: http://deb.debian.org/debian-security\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$codename" "$codename" "$codename")
    fi
    say "adding $SOURCES_FILE"
    { echo "# Added by tradingroom scripts/build-libsrtp.sh: Debian source packages (apt-get source)."
      echo "# Mirrors the deb entries for $codename."
      printf '%s\n' "$entries"; } >"$SOURCES_FILE"
  fi
  apt_update
  want=$(source_version)
  [ -n "$want" ] || die "apt knows no source package $SRC_PKG (check the deb-src entries)"
fi

# ---- 2. build dependencies ---------------------------------------------------------------
missing=()
for p in "${BUILD_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  need_root "installing ${missing[*]}"
  apt_update
  say "installing: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- 3. source ---------------------------------------------------------------------------
mkdir -p "$SRC_CACHE"
file_version=${want#*:}  # the epoch is not part of file names
dsc=$SRC_CACHE/${SRC_PKG}_${file_version}.dsc
fetch_source() {
  say "apt-get source $SRC_PKG=$want"
  local dl
  dl=$(mktemp -d "$SRC_CACHE/download.XXXXXX")
  # Let apt's download sandbox (user _apt) write there, as it would in a world-writable dir.
  if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$dl"; fi
  if ! (cd "$dl" && apt-get source -q --download-only "$SRC_PKG=$want" >/dev/null); then
    rm -rf "$dl"
    die "apt-get source $SRC_PKG=$want failed"
  fi
  chown -R "$(id -u):$(id -g)" "$dl"
  mv -f "$dl"/* "$SRC_CACHE"/
  rmdir "$dl"
}
[ -f "$dsc" ] || fetch_source

work=$SRC_CACHE/${SRC_PKG}-${file_version}
rm -rf "$work"
if ! dpkg-source --no-check -x "$dsc" "$work" >/dev/null 2>&1; then
  # A partial or corrupt cache: fetch again once.
  rm -rf "$work" "$dsc"
  fetch_source
  dpkg-source --no-check -x "$dsc" "$work" >/dev/null || die "cannot unpack $dsc"
fi
# (--no-check: the files' hashes were verified by apt against the signed Sources index.)

# ---- 4. configure, build, check, install -------------------------------------------------
stage=$DEPS_DIR/.libsrtp-stage
rm -rf "$stage"
log=$SRC_CACHE/build.log
say "building $SRC_PKG $want with OpenSSL (-j$JOBS, log: ${log#"$repo"/})"
(
  cd "$work"
  ./configure --prefix="$PREFIX" "${CONFIGURE_ARGS[@]}" CC="$BUILD_CC" CFLAGS="$BUILD_CFLAGS"
  make -j"$JOBS" libsrtp2.a
  make install DESTDIR="$stage"
) >"$log" 2>&1 || { tail -30 "$log" >&2; die "build failed (see $log)"; }

lib=$stage$PREFIX/lib/libsrtp2.a
syms=$(nm -u "$lib" 2>/dev/null)
grep -q 'EVP_CIPHER_CTX_new' <<<"$syms" || die "$lib does not use OpenSSL's EVP"
if grep -qE 'PK11_|NSS_' <<<"$syms"; then die "$lib still references NSS"; fi

stamp_text "$want" >"$stage$PREFIX/tradingroom-build.stamp"
rm -rf "$PREFIX.old"
[ -e "$PREFIX" ] && mv "$PREFIX" "$PREFIX.old"
mv "$stage$PREFIX" "$PREFIX"
rm -rf "$PREFIX.old" "$stage" "$work"
say "installed $SRC_PKG $want (OpenSSL) into ${PREFIX#"$repo"/} in $(( $(date +%s) - started )) s"
