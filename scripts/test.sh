#!/usr/bin/env bash
# Runs every test: the whole workspace (integration suite on the embedded store), then the
# integration suite again on PostgreSQL. A PostgreSQL server is started for the run (a throwaway one
# unless CONCORDAT_TEST_POSTGRES names one); under CI=true a missing server fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck disable=SC2016
scripts/with-postgres.sh bash -c '
    set -euo pipefail
    cargo test --workspace --all-targets
    if [ -z "${CONCORDAT_TEST_POSTGRES:-}" ]; then
        echo "test.sh: no PostgreSQL server; the PostgreSQL backend was not tested" >&2
        exit 0
    fi
    cargo test -p concordat-engine --features postgres postgres
    CONCORDAT_TEST_BACKEND=postgres cargo test -p concordat --test integration
'
