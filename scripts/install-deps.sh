#!/usr/bin/env bash
# Installs every build and test dependency of Concerto: Debian 12 packages, then the pinned npm
# tools of the browser test (tests/browser, npm ci). Idempotent.
set -euo pipefail
root_dir="$(cd "$(dirname "$0")/.." && pwd)"

packages=(
  build-essential cmake pkg-config ca-certificates curl
  libical-dev libpoco-dev libpugixml-dev libcurl4-openssl-dev zlib1g-dev libsqlite3-dev
  libkainjow-mustache-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format tzdata
  python3 python3-icalendar python3-dateutil
  # Mail tests: a local SMTP sink, and the openssl CLI for its test certificates.
  python3-aiosmtpd openssl
  # Browser test (tests/browser): Debian's Chromium, driven by playwright-core, and a font so
  # that the screenshots show text.
  chromium fonts-dejavu-core
)
# Node.js and npm: NodeSource's nodejs (preinstalled on the CI machines) ships npm; only without
# one take Debian's.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
else
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: run as root to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The browser test's npm packages, exactly as package-lock.json pins them. Skipped when
# node_modules was installed from this very package.json and package-lock.json and is complete.
browser_dir="$root_dir/tests/browser"
stamp="$browser_dir/node_modules/.install-deps-stamp"
if cat "$browser_dir/package.json" "$browser_dir/package-lock.json" | cmp -s - "$stamp" &&
  (cd "$browser_dir" && npm ls --offline >/dev/null 2>&1); then
  echo "install-deps: tests/browser/node_modules is up to date"
else
  echo "install-deps: npm ci in tests/browser"
  install_as=()
  # As root in a checkout owned by someone else (sudo on a dev machine): install as the owner,
  # so that node_modules does not end up belonging to root.
  owner="$(stat -c %U "$browser_dir")"
  if [ "$(id -u)" -eq 0 ] && [ "$owner" != root ] && id "$owner" >/dev/null 2>&1; then
    install_as=(runuser -u "$owner" -- env HOME="$(getent passwd "$owner" | cut -d: -f6)")
  fi
  (cd "$browser_dir" && "${install_as[@]}" npm ci --no-audit --no-fund --no-update-notifier)
  cat "$browser_dir/package.json" "$browser_dir/package-lock.json" |
    "${install_as[@]}" tee "$stamp" >/dev/null
fi
