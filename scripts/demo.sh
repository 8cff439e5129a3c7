#!/usr/bin/env bash
# Installs the dependencies, builds Concerto and serves the demo agenda from the bundled offline
# example feeds on http://127.0.0.1:8080 (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"${JOBS:-2}" --target concerto
mkdir -p var
build/concerto fetch --config config/concerto.ini
exec build/concerto serve --config config/concerto.ini "$@"
