#!/usr/bin/env bash
# Runs every test: the workspace on the embedded store, then the integration suite and the engine's
# own PostgreSQL tests against a PostgreSQL server (a throwaway one unless CONCORDAT_TEST_POSTGRES names one).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --all-targets

# shellcheck disable=SC2016
scripts/with-postgres.sh bash -c '
    if [ -z "${CONCORDAT_TEST_POSTGRES:-}" ]; then
        echo "test.sh: no PostgreSQL server; the PostgreSQL backend was not tested" >&2
        exit 0
    fi
    cargo test -p concordat-engine --features postgres postgres
    CONCORDAT_TEST_BACKEND=postgres cargo test -p concordat --test integration
'
