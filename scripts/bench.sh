#!/usr/bin/env bash
# Builds the benchmarks (optimised) and prints their figures: ICS reading throughput and peak
# memory, rendering time, and HTTP serving rate of a running demo server.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCONCERTO_TESTS=OFF >/dev/null
cmake --build build-bench -j"${JOBS:-2}"
for program in build-bench/bench/*_bench; do
  [ -x "$program" ] && "$program" --benchmark_counters_tabular=true
done
if [ -x bench/serve_bench.sh ]; then bench/serve_bench.sh "${1:-}"; fi
