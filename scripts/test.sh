#!/usr/bin/env bash
# Installs the dependencies, builds Concerto twice (optimised, and with ASan+UBSan) and runs the
# whole test suite on both builds.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${JOBS:-2}"

scripts/install-deps.sh

run_suite() {
  local dir="$1"
  shift
  echo "== $dir: configure and build"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
  echo "== $dir: tests"
  ctest --test-dir "$dir" -j"$jobs" --output-on-failure --timeout 300
}

run_suite build
# detect_leaks is off: Poco and libical keep process-lifetime caches that LeakSanitizer reports.
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build-asan -DCONCERTO_SANITIZE=ON -DCONCERTO_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug
