#!/usr/bin/env bash
# Installs the real SIP programs the ng interop test (test/interop/sip-rtpengine.test.ts, harness
# in test/sip/) runs against (Debian 12):
#   kamailio          Kamailio 5.6, the SIP proxy; its rtpengine module (rtpengine.so) is in the
#                     core package and drives a media relay over rtpengine's ng protocol
#   baresip-core      baresip 1.0, the SIP user agents (modules srtp, aufile, sndfile, aubridge,
#                     ctrl_tcp, menu are in the core package)
#   tcpdump           captures the media on loopback so the test can check what is on the wire
#                     (encrypted SRTP legs, no packet directly between the phones)
#   rtpengine-daemon  the reference ng relay (through scripts/install-rtpengine.sh)
#
# Idempotent and quiet: when everything is present it only checks and exits quickly;
# `apt-get update` runs only when a package is missing. Fails loudly (non-zero exit, message on
# stderr) when a program cannot be installed or does not run: the SIP interop test must never skip
# silently because a program is missing. Runs as root on CI; elsewhere uses sudo if present.
# Never starts or enables the packaged system services.
set -euo pipefail

PACKAGES=(kamailio baresip-core tcpdump)
# The baresip modules the harness loads (test/sip/baresip.ts).
BARESIP_MODULES=(srtp aufile sndfile aubridge ctrl_tcp menu g711 ausine)

fail() {
  echo "install-sip-peers: ERROR: $*" >&2
  echo "install-sip-peers: the SIP interop tests need Kamailio, baresip and rtpengine and will not run without them." >&2
  exit 1
}

here="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=debian-packages.sh
source "$here/debian-packages.sh"
ensure_debian_packages install-sip-peers "${PACKAGES[@]}"

# Being registered is not enough: check that each program runs and has what the harness loads.
kamailio_bin=/usr/sbin/kamailio
[ -x "$kamailio_bin" ] || fail "$kamailio_bin not found (package kamailio)"
kversion=$("$kamailio_bin" -v 2>&1 | head -n 1) || fail "$kamailio_bin -v failed"
case "$kversion" in
  *5.6.*) ;;
  *) fail "expected Kamailio 5.6, got: $kversion" ;;
esac
kmods=""
for d in /usr/lib/x86_64-linux-gnu/kamailio/modules /usr/lib/kamailio/modules /usr/lib/*/kamailio/modules; do
  if [ -f "$d/rtpengine.so" ]; then kmods=$d; break; fi
done
[ -n "$kmods" ] || fail "Kamailio's rtpengine module (rtpengine.so) not found"

command -v baresip >/dev/null 2>&1 || fail "baresip is not on PATH (package baresip-core)"
bmods=""
for d in /usr/lib/baresip/modules /usr/lib/x86_64-linux-gnu/baresip/modules /usr/lib/*/baresip/modules; do
  if [ -f "$d/srtp.so" ]; then bmods=$d; break; fi
done
[ -n "$bmods" ] || fail "baresip modules directory with srtp.so not found"
for m in "${BARESIP_MODULES[@]}"; do
  [ -f "$bmods/$m.so" ] || fail "baresip module $m.so not found in $bmods"
done

tcpdump_bin=$(command -v tcpdump || true)
[ -n "$tcpdump_bin" ] || tcpdump_bin=/usr/bin/tcpdump
[ -x "$tcpdump_bin" ] || fail "tcpdump not found (package tcpdump)"
"$tcpdump_bin" --version >/dev/null 2>&1 || fail "tcpdump --version failed"

rtpengine_bin=$(bash "$here/install-rtpengine.sh" | tail -n 1) || fail "scripts/install-rtpengine.sh failed"
[ -x "$rtpengine_bin" ] || fail "rtpengine binary $rtpengine_bin is not executable"
exit 0
