#!/usr/bin/env bash
# Runs every test: the whole workspace (integration suite on the embedded store), then the
# integration suite again on PostgreSQL. First scripts/setup.sh installs what the tests need when
# it is missing (or stops, naming it and the command that installs it). A PostgreSQL server is
# started for the run (a throwaway one unless CONCORDAT_TEST_POSTGRES names one). Nothing skips:
# the run is as strict as CI (CI=true), so a missing tool or server fails it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export CI=true

# shellcheck disable=SC2016
scripts/with-postgres.sh bash -c '
    set -euo pipefail
    cargo test --workspace --all-targets
    if [ -z "${CONCORDAT_TEST_POSTGRES:-}" ]; then
        echo "test.sh: no PostgreSQL server was started; the PostgreSQL backend cannot be tested" >&2
        exit 1
    fi
    cargo test -p concordat-engine --features postgres postgres
    CONCORDAT_TEST_BACKEND=postgres cargo test -p concordat --test integration
'
