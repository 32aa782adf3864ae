#!/usr/bin/env bash
# scripts/bench.sh [--size smoke|small|full] [--label TEXT]
#
# Builds `concordat` and `concordat-bench` in release mode, then runs the benchmark harness: it
# generates stores of synthetic events through the engine's append path under target/bench/SIZE
# (the same filesystem for every store and for the raw fsync baseline), spawns every measured
# process, and prints the tables of BENCHMARKS.md. They are also written to
# target/bench/report-SIZE.md and target/bench/results-SIZE.json.
#
#   smoke  2k events, well under 30 s: for CI, never a timed assertion
#   small  10k and 100k events
#   full   10k, 100k and 1M events (the default; ~4 GB of disk at its peak)
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=full
LABEL=""
while [ "$#" -gt 0 ]; do
    case "$1" in
        --size) SIZE="$2"; shift 2 ;;
        --size=*) SIZE="${1#--size=}"; shift ;;
        --label) LABEL="$2"; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "bench.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
done
case "$SIZE" in smoke|small|full) ;; *) echo "bench.sh: --size is smoke, small or full" >&2; exit 2 ;; esac

cargo build --release --quiet -p concordat -p concordat-bench
# Where cargo put them: target/, unless CARGO_TARGET_DIR says otherwise.
TARGET="${CARGO_TARGET_DIR:-target}"
mkdir -p "$TARGET/bench"
exec "$TARGET/release/concordat-bench" run --size "$SIZE" --label "$LABEL" \
    --concordat "$TARGET/release/concordat" --work "$TARGET/bench" \
    --report "$TARGET/bench/report-$SIZE.md" --json "$TARGET/bench/results-$SIZE.json"
