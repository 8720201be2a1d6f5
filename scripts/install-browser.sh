#!/usr/bin/env bash
# Installs the real browser the WebRTC and console tests drive (Debian 12):
#   chromium   Debian's Chromium; tests start /usr/lib/chromium/chromium headless through
#              puppeteer-core (never `puppeteer`, which would download a browser of its own)
#
# Idempotent and quiet: when Chromium is present it only checks and exits quickly; `apt-get
# update` runs only when the package is missing. Fails loudly (non-zero exit, message on stderr)
# when Chromium cannot be installed or does not start: browser tests never skip silently.
# Runs as root on CI; elsewhere uses sudo if present. Prints the browser's path on its last line.
set -euo pipefail

CHROMIUM=/usr/lib/chromium/chromium

fail() {
  echo "install-browser: ERROR: $*" >&2
  echo "install-browser: the WebRTC and console tests need Chromium and will not run without it." >&2
  exit 1
}

# shellcheck source=debian-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/debian-packages.sh"
ensure_debian_packages install-browser chromium

[ -x "$CHROMIUM" ] || fail "$CHROMIUM not found (package chromium)"
version=$("$CHROMIUM" --version 2>/dev/null) || fail "$CHROMIUM --version failed"
case "$version" in
  Chromium*) ;;
  *) fail "unexpected version output from $CHROMIUM: $version" ;;
esac
echo "$CHROMIUM"
