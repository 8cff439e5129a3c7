#!/usr/bin/env bash
# Builds the benchmarks (optimised) and prints their figures: ICS reading throughput and peak
# memory, normalize+expand, rendering, deduplication at 10k, 100k and 1M events (time, peak
# memory, and whether ten times the events cost at most twelve times the time), then the HTTP
# serving rate of a real `concerto serve` on 127.0.0.1 over a synthetic 2000-event feed
# (bench/serve_bench.sh; wrk when installed). Exits 1 at the end when dedup scaling fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCONCERTO_TESTS=OFF >/dev/null
cmake --build build-bench -j"${JOBS:-2}"
# The Google Benchmark programs (fetch_bench and dedup_bench take their own arguments).
for program in ingest_bench render_bench; do
  build-bench/bench/$program --benchmark_counters_tabular=true
done

# Deduplication: one process per size, so each peak RSS is that run's own.
dedup_times=()
for events in 10000 100000 1000000; do
  output="$(build-bench/bench/dedup_bench "$events")"
  echo "$output"
  dedup_times+=("$(sed -n 's/^dedup .* time=\([0-9.]*\)s .*/\1/p' <<<"$output")")
done
dedup_status=0
awk -v t1="${dedup_times[0]}" -v t2="${dedup_times[1]}" -v t3="${dedup_times[2]}" 'BEGIN {
  r1 = t1 > 0 ? t2 / t1 : 0; r2 = t2 > 0 ? t3 / t2 : 0
  printf "dedup scaling: 10k->100k x%.1f, 100k->1M x%.1f (limit x12)\n", r1, r2
  ok = t1 > 0 && t2 > 0 && r1 <= 12 && r2 <= 12
  print ok ? "dedup scaling: PASS" : "dedup scaling: FAIL"
  exit !ok
}' || dedup_status=1

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
exit "$dedup_status"
