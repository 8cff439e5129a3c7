#!/usr/bin/env bash
# Builds the benchmarks (optimised) and prints their figures: ICS reading throughput and peak
# memory, normalize+expand, rendering, then the HTTP serving rate of a real `concerto serve` on
# 127.0.0.1 over a synthetic 2000-event feed (bench/serve_bench.sh; wrk when installed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCONCERTO_TESTS=OFF >/dev/null
cmake --build build-bench -j"${JOBS:-2}"
for program in build-bench/bench/*_bench; do
  [ -x "$program" ] && "$program" --benchmark_counters_tabular=true
done

work="$(mktemp -d)"
port="${BENCH_PORT:-18181}"
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/feeds"
python3 bench/make_feed.py "${BENCH_EVENTS:-2000}" >"$work/feeds/bench.ics"
printf 'name = Bench\npath = bench.ics\n' >"$work/feeds/bench.ini"
printf '[storage]\ndatabase = sqlite:%s/concerto.db\n[feeds]\ndirectory = %s/feeds\n[server]\nlisten = 127.0.0.1:%s\n' \
  "$work" "$work" "$port" >"$work/concerto.ini"
build-bench/concerto fetch --config "$work/concerto.ini"
build-bench/concerto serve --config "$work/concerto.ini" 2>"$work/serve.log" &
server=$!
for _ in $(seq 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
  sleep 0.1
done
bench/serve_bench.sh "http://127.0.0.1:$port" "${BENCH_SECONDS:-5}" 64
