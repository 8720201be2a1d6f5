#!/usr/bin/env bash
# Builds the native SRTP benchmarks and the relay load generator into native-bench/build/ with gcc -O2 against Debian's
# OpenSSL and libsrtp2. It installs nothing: when gcc, pkg-config, libssl-dev or libsrtp2-dev is
# missing it says so and names the installer (scripts/install-bench-deps.sh), then exits 1.
# Usage: native-bench/build.sh [--quiet]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/build"
quiet="${1:-}"
log() { if [[ "$quiet" != "--quiet" ]]; then echo "native-bench: $*" >&2; fi; }

missing=()
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
[[ -f /usr/include/openssl/evp.h ]] || missing+=(libssl-dev)
[[ -f /usr/include/srtp2/srtp.h ]] || missing+=(libsrtp2-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if ((${#missing[@]})); then
  echo "native-bench: missing ${missing[*]}; install them with: bash scripts/install-bench-deps.sh (as root or with passwordless sudo)" >&2
  exit 1
fi

mkdir -p "$out"
cflags=(-O2 -std=c11 -Wall -Wextra -Wno-deprecated-declarations -D_POSIX_C_SOURCE=200809L)
ssl_cflags="$(pkg-config --cflags openssl 2>/dev/null || true)"
ssl_libs="$(pkg-config --libs openssl 2>/dev/null || echo -lcrypto)"
srtp_cflags="$(pkg-config --cflags libsrtp2 2>/dev/null || true)"
srtp_libs="$(pkg-config --libs libsrtp2 2>/dev/null || echo -lsrtp2)"

# shellcheck disable=SC2086
gcc "${cflags[@]}" $ssl_cflags -o "$out/openssl_srtp" \
  "$here/openssl_srtp.c" "$here/ossl_srtp.c" "$here/bench_common.c" $ssl_libs
# shellcheck disable=SC2086
gcc "${cflags[@]}" $srtp_cflags -o "$out/libsrtp_bench" \
  "$here/libsrtp_bench.c" "$here/bench_common.c" $srtp_libs
# The relay benchmark's load generator (src/bench/relay/native-generator-client.ts runs it).
# shellcheck disable=SC2086
gcc "${cflags[@]}" -pthread $ssl_cflags -o "$out/relay_loadgen" \
  "$here/relay_loadgen.c" "$here/loadgen_engine.c" "$here/loadgen_shared.c" "$here/ossl_srtp.c" "$here/bench_common.c" $ssl_libs
log "built $out/openssl_srtp, $out/libsrtp_bench and $out/relay_loadgen"
