#!/usr/bin/env bash
# Installs the real Redis the HA store tests run against (Debian 12):
#   redis-server   Redis 7.0; the tests start their own redis-server as a child process on a
#                  port the OS gives them (never the packaged service on 6379)
#
# Idempotent and quiet: when Redis is present it only checks and exits quickly; `apt-get update`
# runs only when the package is missing. Fails loudly (non-zero exit, message on stderr) when Redis
# cannot be installed or does not run. Runs as root on CI; elsewhere uses sudo if present.
# Debian's postinst may start the packaged service where an init system runs; this script stops
# it again, so that nothing listens on 6379 because of the tests. Prints the server's path last.
set -euo pipefail

REDIS=/usr/bin/redis-server

fail() {
  echo "install-redis: ERROR: $*" >&2
  echo "install-redis: the Redis HA tests need redis-server and will not run without it." >&2
  exit 1
}

# shellcheck source=debian-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/debian-packages.sh"
if ! debian_package_installed redis-server; then
  ensure_debian_packages install-redis redis-server
  # Leave no packaged service behind (the tests start their own server).
  if command -v service >/dev/null 2>&1; then service redis-server stop >/dev/null 2>&1 || true; fi
fi

[ -x "$REDIS" ] || fail "$REDIS not found (package redis-server)"
version=$("$REDIS" --version 2>/dev/null) || fail "$REDIS --version failed"
case "$version" in
  *v=7.*) ;;
  *) fail "expected Redis 7, got: $version" ;;
esac
command -v redis-cli >/dev/null 2>&1 || fail "redis-cli is not on PATH (package redis-tools)"
echo "$REDIS"
