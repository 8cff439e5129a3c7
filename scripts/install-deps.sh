#!/usr/bin/env bash
# Installs every build and test dependency of Concerto from Debian 12 packages. Idempotent.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ca-certificates curl
  libical-dev libpoco-dev libpugixml-dev libcurl4-openssl-dev zlib1g-dev libsqlite3-dev
  libkainjow-mustache-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format tzdata
  python3 python3-icalendar python3-dateutil
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: run as root to install: ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
