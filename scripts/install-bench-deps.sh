#!/usr/bin/env bash
# Installs what native-bench/build.sh compiles with (Debian 12): gcc, pkg-config and the OpenSSL
# and libsrtp2 headers, for the native SRTP benchmarks and the relay load generator
# (`npm run bench:*`, and the bench smoke tests of the interop project through `npm run peers`).
# The benchmark code under src/ never installs anything; it names this script when a piece is
# missing. Idempotent and quiet when everything is present; fails loudly otherwise.
set -euo pipefail

# shellcheck source=debian-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/debian-packages.sh"
ensure_debian_packages install-bench-deps gcc pkg-config libssl-dev libsrtp2-dev
