#!/usr/bin/env bash
# scripts/kill-loop.sh [TRIALS]   (default 200)
#
# Hammers appends into one embedded store and kills them with SIGKILL at random moments. Each trial
# starts WRITERS (default 3) `proposal new` commands at once, waits a random 0-24 ms, then kills
# every one still running. After each trial, before any command opens the store again, it notes
# whether the log ends in a torn (partial) line; then it checks that
#   - `audit verify` passes (the chain is whole: no half event is visible),
#   - every proposal acknowledged so far (exit 0 with its JSON answer) is in `audit export`.
# At the end one more write must succeed. Prints the figures (RELIABILITY.md records them); exits 1
# at the first trial that breaks either rule, keeping the store for inspection.
#
# Environment: CONCORDAT_BIN (default: a debug build of this tree), WRITERS, KEEP=1 (keep the store).
set -euo pipefail
cd "$(dirname "$0")/.."

TRIALS="${1:-200}"
WRITERS="${WRITERS:-3}"
case "$TRIALS" in '' | *[!0-9]*) echo "kill-loop.sh: TRIALS is a number, got $TRIALS" >&2; exit 2 ;; esac

if [ -z "${CONCORDAT_BIN:-}" ]; then
    cargo build --quiet -p concordat
    CONCORDAT_BIN="$PWD/target/debug/concordat"
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/kill-loop.XXXXXX")"
store="$work/store"
export CONCORDAT_NOW="2008-09-17T19:00:00+01:00"
unset CONCORDAT_STORE CONCORDAT_ACTOR RUST_LOG
cc() { "$CONCORDAT_BIN" --store "$store" "$@"; }

cc init tests/fixtures/bromsgrove-redditch.toml >/dev/null
: >"$work/acked"
started=0 acked=0 killed=0 failed=0 torn=0
t0=$(date +%s)

for trial in $(seq 1 "$TRIALS"); do
    pids=()
    for w in $(seq 1 "$WRITERS"); do
        id="t${trial}w${w}"
        # Started directly (not through a function), so that $! is the concordat process itself.
        "$CONCORDAT_BIN" --store "$store" --as jce --json proposal new --title "Trial $trial writer $w" \
            --service "$id" --id "$id" --lead bromsgrove >"$work/out.$w" 2>"$work/err.$w" &
        pids+=("$!")
        started=$((started + 1))
    done
    sleep "0.0$(printf '%02d' $((RANDOM % 25)))"
    # bash reports each killed job on its stderr; keep that out of the figures.
    exec 3>&2 2>/dev/null
    for pid in "${pids[@]}"; do kill -9 "$pid" || true; done
    w=0
    for pid in "${pids[@]}"; do
        w=$((w + 1))
        rc=0
        wait "$pid" || rc=$?
        if [ "$rc" -eq 0 ]; then
            # Acknowledged: exit 0 and the answer printed.
            grep -q "\"id\": *\"t${trial}w${w}\"" "$work/out.$w" || {
                echo "kill-loop.sh: trial $trial writer $w exited 0 without its answer" >&3
                exit 1
            }
            echo "proposal-t${trial}w${w}" >>"$work/acked"
            acked=$((acked + 1))
        elif [ "$rc" -eq 137 ]; then
            killed=$((killed + 1))
        else
            # Busy (4) or another refusal: not acknowledged, and it must say why.
            failed=$((failed + 1))
        fi
    done
    exec 2>&3 3>&-
    # A torn last line (a write cut short) is allowed: never acknowledged, cut off at the next open.
    if [ -s "$store/events.jsonl" ] && [ "$(tail -c 1 "$store/events.jsonl" | od -An -c | tr -d ' ')" != '\n' ]; then
        torn=$((torn + 1))
    fi
    if ! cc --json audit verify >"$work/verify" 2>&1; then
        echo "kill-loop.sh: trial $trial: the chain does not verify (store kept at $store)" >&2
        cat "$work/verify" >&2
        exit 1
    fi
    cc audit export --out "$work/export" >/dev/null
    { grep -o '"stream":"proposal-[^"]*"' "$work/export" || true; } | cut -d'"' -f4 | sort -u >"$work/present"
    missing="$(sort -u "$work/acked" | comm -23 - "$work/present")"
    if [ -n "$missing" ]; then
        echo "kill-loop.sh: trial $trial: acknowledged but missing (store kept at $store):" >&2
        echo "$missing" >&2
        exit 1
    fi
done

cc --as jce --json proposal new --title "After the storm" --service after-the-storm \
    --lead bromsgrove >/dev/null
events=$(cc --json audit verify | grep -o '"events": *[0-9]*' | grep -o '[0-9]*$')
elapsed=$(($(date +%s) - t0))
# Killed after its event was written but before it answered: present, never acknowledged.
unacked_present=$(($(grep -c '^proposal-t' "$work/present" || true) - acked))
echo "kill-loop: $TRIALS trials, $WRITERS writers each: $started appends started, $acked acknowledged" \
    "(all present), $killed killed before answering ($unacked_present of them after writing their event)," \
    "$failed refused or busy;" \
    "$torn torn tails cut off on the next open; chain verified after every trial" \
    "($events events at the end); ${elapsed}s"
if [ "${KEEP:-0}" = 1 ]; then echo "store kept at $store"; else rm -rf "$work"; fi
