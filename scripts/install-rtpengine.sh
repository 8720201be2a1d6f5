#!/usr/bin/env bash
# Installs rtpengine (Debian package `rtpengine-daemon`, userspace media relay) for the relay
# benchmark (`npm run bench:relay`, src/bench/relay/) and its smoke test (through `npm run peers`;
# the benchmark itself only looks for the binary and names this script when it is missing). The benchmark starts
# its own rtpengine process in the foreground, userspace only (no kernel module), on loopback;
# this script never starts or enables the packaged system service.
#
# Idempotent: when rtpengine is installed and runs it only checks and exits quickly;
# `apt-get update` runs only when the package is missing. Fails loudly (non-zero exit, message
# on stderr) when it cannot be installed or does not run: the relay benchmark must never
# silently skip its reference. Runs as root on CI; elsewhere uses sudo if present.
#
# Prints the path of the rtpengine binary on stdout when it succeeds.
set -euo pipefail

PACKAGE=rtpengine-daemon

fail() {
  echo "install-rtpengine: ERROR: $*" >&2
  echo "install-rtpengine: the relay benchmark compares against rtpengine and will not run without it." >&2
  exit 1
}

find_binary() {
  for candidate in /usr/bin/rtpengine /usr/sbin/rtpengine "$(command -v rtpengine 2>/dev/null || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# shellcheck source=debian-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/debian-packages.sh"
# --no-install-recommends (in ensure_debian_packages): the kernel module (rtpengine-kernel-dkms)
# and iptables helpers are recommends we must not pull in; the benchmark measures userspace only.
ensure_debian_packages install-rtpengine "$PACKAGE"

bin=$(find_binary) || fail "$PACKAGE is installed but no rtpengine binary was found in /usr/bin or /usr/sbin"

# Being registered is not enough: check that the binary runs.
if ! version=$("$bin" --version 2>&1); then
  echo "$version" >&2
  fail "$bin --version failed"
fi
case "$version" in
  *[0-9].[0-9]*) ;;
  *) echo "$version" >&2; fail "$bin --version printed no version" ;;
esac

echo "$bin"
