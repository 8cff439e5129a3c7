#!/usr/bin/env bash
# Requests per second of a RUNNING Concerto server (this script starts nothing):
#   bench/serve_bench.sh [URL] [SECONDS] [CONNECTIONS]
#   URL defaults to http://127.0.0.1:8080, SECONDS to 10, CONNECTIONS to 32.
# Measures GET /calendar.ics plain, gzip, and conditional (304). Uses wrk when installed;
# otherwise a bounded loop of one curl process making keep-alive requests (far slower: it
# measures curl as much as the server, so compare such figures only with each other).
# SERVE_BENCH_TOOL=curl forces the curl loop.
set -euo pipefail

url="${1:-http://127.0.0.1:8080}"
seconds="${2:-10}"
connections="${3:-32}"
url="${url%/}"
target="$url/calendar.ics"

if ! curl -fsS -o /dev/null "$target"; then
  echo "serve_bench: no answer from $target (start the server first)" >&2
  exit 1
fi
etag="$(curl -fsS -D - -o /dev/null "$target" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')"
plain_bytes="$(curl -fsS "$target" | wc -c)"
gzip_bytes="$(curl -fsS -H 'Accept-Encoding: gzip' "$target" | wc -c)"
echo "target $target: $plain_bytes bytes plain, $gzip_bytes gzip, ETag $etag"

threads="$(nproc 2>/dev/null || echo 2)"
(( connections < threads )) && threads="$connections"

# run_wrk LABEL [HEADER...]
run_wrk() {
  local label="$1"
  shift
  local args=()
  for header in "$@"; do args+=(-H "$header"); done
  local out
  out="$(wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency ${args[@]+"${args[@]}"} "$target")"
  local rps transfer p99 errors
  rps="$(awk '/^Requests\/sec:/{print $2}' <<<"$out")"
  transfer="$(awk '/^Transfer\/sec:/{print $2}' <<<"$out")"
  p99="$(awk '$1=="99%"{print $2}' <<<"$out")"
  errors="$(awk '/Non-2xx or 3xx responses|Socket errors/{print}' <<<"$out")"
  printf '%-8s %10s req/s  %10s/s  p99 %s  %s\n' "$label" "$rps" "$transfer" "$p99" "$errors"
}

# run_curl LABEL [HEADER...]: one curl process, keep-alive, for at most SECONDS.
run_curl() {
  local label="$1"
  shift
  local args=()
  for header in "$@"; do args+=(-H "$header"); done
  local batch=200 done_requests=0 start now elapsed
  start="$(date +%s.%N)"
  while :; do
    local urls=()
    for ((i = 0; i < batch; i++)); do urls+=("$target"); done
    curl -s ${args[@]+"${args[@]}"} "${urls[@]}" >/dev/null
    done_requests=$((done_requests + batch))
    now="$(date +%s.%N)"
    elapsed="$(awk -v a="$start" -v b="$now" 'BEGIN{print b-a}')"
    awk -v e="$elapsed" -v s="$seconds" 'BEGIN{exit !(e>=s)}' && break
    ((done_requests >= 200000)) && break
  done
  printf '%-8s %10.0f req/s  (curl loop, %d requests, 1 connection)\n' "$label" \
    "$(awk -v n="$done_requests" -v e="$elapsed" 'BEGIN{print n/e}')" "$done_requests"
}

if [[ "${SERVE_BENCH_TOOL:-}" != curl ]] && command -v wrk >/dev/null 2>&1; then
  echo "wrk: $threads threads, $connections connections, ${seconds}s each"
  run=run_wrk
else
  echo "wrk not installed: bounded curl loop (${seconds}s each)"
  run=run_curl
fi
"$run" plain
"$run" gzip "Accept-Encoding: gzip"
"$run" 304 "If-None-Match: $etag"
