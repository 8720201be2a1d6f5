# Shared by the scripts that install Debian packages for tests and benchmarks (source it; it
# defines functions only). `ensure_debian_packages TAG PKG...` installs whichever of PKG are
# missing — `apt-get update` only then — as root or with passwordless sudo, without recommends,
# and fails loudly (message on stderr, exit 1) when it cannot. TAG prefixes the messages.

debian_package_installed() {
  # dpkg-query prints "install ok installed" only for fully configured packages.
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

ensure_debian_packages() {
  local tag=$1
  shift
  command -v dpkg-query >/dev/null 2>&1 || { echo "$tag: ERROR: dpkg-query not found: Debian/Ubuntu only" >&2; exit 1; }
  local missing=() pkg
  for pkg in "$@"; do
    debian_package_installed "$pkg" || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "$tag: ERROR: missing packages: ${missing[*]}; run as root (or with passwordless sudo): apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  fi
  command -v apt-get >/dev/null 2>&1 || { echo "$tag: ERROR: apt-get not found; install manually: ${missing[*]}" >&2; exit 1; }
  echo "$tag: installing ${missing[*]}" >&2
  local log
  log=$(mktemp)
  if ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -qq >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    echo "$tag: ERROR: apt-get update failed" >&2
    exit 1
  fi
  if ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    echo "$tag: ERROR: apt-get install ${missing[*]} failed" >&2
    exit 1
  fi
  rm -f "$log"
  for pkg in "${missing[@]}"; do
    debian_package_installed "$pkg" || { echo "$tag: ERROR: $pkg is still not installed after apt-get install" >&2; exit 1; }
  done
}
