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

# shellcheck source=debian-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/debian-packages.sh"
ensure_debian_packages install-peers "${PACKAGES[@]}"

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
