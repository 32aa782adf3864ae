#!/usr/bin/env bash
# scripts/bench-postgres.sh [EVENTS] [SECS]
#
# PostgreSQL appends beside the server's own limit, in one run on one server: pgbench inserting
# the same row as an append (autocommit, 1 client and 8), then the backends example (durable appends
# by 1 and 8 writers on the embedded store and on PostgreSQL, against raw fdatasync).
# Run it under scripts/with-postgres.sh, which names the server in CONCORDAT_TEST_POSTGRES;
# BACKENDS may name an already built backends example to run instead of building it.
set -euo pipefail
events=${1:-4000}
secs=${2:-10}
: "${CONCORDAT_TEST_POSTGRES:?run this under scripts/with-postgres.sh}"
base=${CONCORDAT_TEST_POSTGRES%/}
db="concordat_pgbench_$$"
psql -q -X -v ON_ERROR_STOP=1 "$base/postgres" -c "CREATE DATABASE $db"
trap 'psql -q -X "$base/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
# The columns of concordat_events, with the same keys; the row is an append's (a ~450-byte line).
psql -q -X -v ON_ERROR_STOP=1 "$base/$db" <<'SQL'
CREATE TABLE pgb_events (seq bigint PRIMARY KEY, stream text NOT NULL, version bigint NOT NULL,
    hash text NOT NULL, recorded_at text NOT NULL, line text NOT NULL, UNIQUE (stream, version));
CREATE SEQUENCE pgb_seq;
SQL
script=$(mktemp)
pad=$(printf 'x%.0s' $(seq 240))
cat >"$script" <<SQL
INSERT INTO pgb_events VALUES (nextval('pgb_seq'), 'bench-' || :client_id || '-' || currval('pgb_seq'), 1,
  'f3c2d8e1a9b04c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d', '2026-12-03T13:00:00Z',
  '{"seq":1,"stream":"bench-0","version":1,"type":"noted","actor":"bench","recorded_at":"2026-12-03T13:00:00Z","effective_on":"2009-01-01","data":{"i":0,"pad":"$pad","writer":0},"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","hash":"f3c2d8e1a9b04c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d"}');
SQL
echo "| pgbench, autocommit INSERT of an append's row | clients | tps |"
echo "|---|---|---|"
for clients in 1 8; do
    tps=$(pgbench -n -T "$secs" -c "$clients" -j "$((clients < 2 ? 1 : 2))" -f "$script" "$base/$db" 2>/dev/null |
        sed -n 's/^tps = \([0-9.]*\).*/\1/p')
    echo "| | $clients | ${tps%.*} |"
done
rm -f "$script"
echo
if [ -n "${BACKENDS:-}" ]; then
    "$BACKENDS" "$events"
else
    cargo run -q --release -p concordat-bench --example backends "$events"
fi
