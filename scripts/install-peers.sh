#!/usr/bin/env bash
# Installs the independent SRTP implementations the interop tests run against (Debian 12):
#   python3-pylibsrtp  libsrtp2 2.5 (libsrtp2-1) plus its Python binding; test/interop drives
#                      libsrtp2 through scripts/libsrtp-peer.py, run with /usr/bin/python3
#   ffmpeg             ffmpeg's own SRTP implementation (libavformat srtp.c)
#
# Idempotent and quiet: when everything is present it only checks and exits in well under a
# second; `apt-get update` runs only when a package is missing. It fails loudly (non-zero exit,
# message on stderr) when a peer cannot be installed or does not work: interop tests must never
# skip silently because a peer is missing. Runs as root on CI; elsewhere uses sudo if present.
set -euo pipefail

PACKAGES=(python3-pylibsrtp libsrtp2-1 ffmpeg)
PYTHON=/usr/bin/python3

fail() {
  echo "install-peers: ERROR: $*" >&2
  echo "install-peers: the interop tests need these peers and will not run without them." >&2
  exit 1
}

is_installed() {
  # dpkg-query prints "install ok installed" only for fully configured packages.
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

command -v dpkg-query >/dev/null 2>&1 || fail "dpkg-query not found: this script supports Debian/Ubuntu only"

missing=()
for pkg in "${PACKAGES[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    fail "missing packages: ${missing[*]}; run as root (or with passwordless sudo): apt-get install -y ${missing[*]}"
  fi
  command -v apt-get >/dev/null 2>&1 || fail "apt-get not found; install manually: ${missing[*]}"
  echo "install-peers: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  if ! "${SUDO[@]}" apt-get update -qq >"$log" 2>&1; then
    cat "$log" >&2
    fail "apt-get update failed"
  fi
  if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
    cat "$log" >&2
    fail "apt-get install ${missing[*]} failed"
  fi
  for pkg in "${missing[@]}"; do
    is_installed "$pkg" || fail "$pkg is still not installed after apt-get install"
  done
fi

# The packages being registered is not enough: check that each peer actually runs.
[ -x "$PYTHON" ] || fail "$PYTHON not found (python3-pylibsrtp installs its binding for the system python only)"
"$PYTHON" -c 'import pylibsrtp' 2>/dev/null \
  || fail "$PYTHON -c 'import pylibsrtp' fails: $("$PYTHON" -c 'import pylibsrtp' 2>&1 | tail -n 1)"
"$PYTHON" -c 'import ctypes; ctypes.CDLL("libsrtp2.so.1").srtp_init' 2>/dev/null \
  || fail "libsrtp2.so.1 cannot be loaded by $PYTHON (package libsrtp2-1)"
command -v ffmpeg >/dev/null 2>&1 || fail "ffmpeg is not on PATH"
protocols=$(ffmpeg -hide_banner -protocols 2>/dev/null) || fail "ffmpeg -protocols fails"
grep -qx '  srtp' <<<"$protocols" || fail "this ffmpeg has no srtp protocol"
exit 0
