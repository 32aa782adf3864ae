#!/usr/bin/env bash
# scripts/fuzz-smoke.sh [SECONDS] [TARGET...]
#
# Runs every cargo-fuzz target in fuzz/ briefly (default: 20 s or 50,000 runs each, whichever
# comes first), starting from the committed corpus in fuzz/corpus/TARGET and the inputs that once
# crashed it in fuzz/regressions/TARGET. New inputs go to a
# scratch copy, so the committed corpus is never changed. A panic (or any crash) fails the run and
# leaves its input in fuzz/artifacts/TARGET/.
#
# cargo-fuzz runs on stable Rust with RUSTC_BOOTSTRAP=1 (it passes -Z flags); it is installed
# (`cargo install cargo-fuzz --locked`) when missing, and libFuzzer needs a C++ compiler.
# Builds with optimisations, debug assertions and overflow checks, no sanitizer (safe Rust: the
# bugs sought are panics, and the runs are several times faster).
#
# The full runs (a million executions or more per target) are the same command with more time:
#   RUSTC_BOOTSTRAP=1 cargo fuzz run -O -a -s none TARGET -- -runs=1000000
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH="${1:-20}"
shift || true
TARGETS=("$@")
if [ "${#TARGETS[@]}" -eq 0 ]; then
    TARGETS=(partnership_toml partnership_reminders verify_export money quarter dates cron check_proof)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-smoke: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1

cd fuzz
cargo fuzz build -O -a -s none
scratch="$(mktemp -d "${TMPDIR:-/tmp}/fuzz-smoke.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
passed=0
for t in "${TARGETS[@]}"; do
    mkdir -p "$scratch/$t" "corpus/$t"
    log="$scratch/$t.log"
    # The inputs that once crashed a target (fuzz/regressions/TARGET) are run first, with the corpus.
    dirs=("$scratch/$t" "corpus/$t")
    [ -d "regressions/$t" ] && dirs+=("regressions/$t")
    if ! cargo fuzz run -O -a -s none "$t" "${dirs[@]}" -- \
        -max_total_time="$SECONDS_EACH" -runs=50000 -print_final_stats=1 >"$log" 2>&1; then
        tail -n 60 "$log" >&2
        echo "fuzz-smoke: $t FAILED (the input is under fuzz/artifacts/$t/)" >&2
        echo "fuzz: $passed passed, 1 failed"
        exit 1
    fi
    passed=$((passed + 1))
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    echo "fuzz-smoke: $t ok, $runs runs"
done
echo "fuzz: $passed passed, 0 failed"
