#!/usr/bin/env bash
# The web pipeline page's cost on a large store (BENCHMARKS.md, "`proposal list` and the web
# pipeline from saved list lines"): starts `concordat serve --public` on STORE (the read-only pages
# need no sign-in then; a signed-in visitor's pipeline is read the same way), fetches the pipeline
# page twice, and prints each request's status, latency and the server's CPU for it, then the
# server's peak RSS (VmHWM) and its RSS now (and how long it took to start answering).
#
#   scripts/bench-web-pipeline.sh BIN STORE [PORT]
#
# Run it on a copy of a store (the page saves projections beside the log). CONCORDAT_NOW is
# passed through (the bench stores' "now" is 2008-09-02T09:00:00+01:00).
set -euo pipefail
bin=$1
store=$2
port=${3:-18431}
url="http://127.0.0.1:$port"
t0=$(date +%s%N)
"$bin" --store "$store" serve --public --listen "127.0.0.1:$port" >/dev/null 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do
    curl -s -o /dev/null "$url/sign-in" && break
    sleep 0.05
done
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
echo "started in $(( ($(date +%s%N) - t0) / 1000000 )) ms: $(grep VmHWM "/proc/$pid/status" | tr -s ' ')"
for n in 1 2; do
    before=$(cpu)
    out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "$url/")
    after=$(cpu)
    echo "request $n: status ${out% *}, ${out#* } s, server CPU $(( (after - before) * 1000 / hz )) ms"
done
echo "peak: $(grep VmHWM "/proc/$pid/status" | tr -s ' '); now: $(grep VmRSS "/proc/$pid/status" | tr -s ' ')"
