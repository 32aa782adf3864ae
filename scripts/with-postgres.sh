#!/usr/bin/env bash
# scripts/with-postgres.sh CMD [ARGS...]
#
# Runs CMD with CONCORDAT_TEST_POSTGRES naming a PostgreSQL server (a base URL such as
# postgres://postgres@127.0.0.1:54321, to which tests append /DATABASE).
#
# - CONCORDAT_TEST_POSTGRES already set: CMD runs against that server, nothing is started.
# - Otherwise a throwaway server is made: initdb in a temp dir, trust auth, listening on 127.0.0.1
#   at a free port (and a private socket dir), run as an unprivileged user when we are root
#   (initdb refuses root); it is stopped and deleted when CMD ends, however it ends.
# - If no server can be started: under CI=true this fails (a suite that skips itself is not green);
#   otherwise it warns and runs CMD without one.
#
# PG_BINDIR may name the directory holding initdb and pg_ctl; by default the newest
# /usr/lib/postgresql/*/bin (Debian's layout), else whatever initdb is on PATH.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

if [ -n "${CONCORDAT_TEST_POSTGRES:-}" ]; then
    exec "$@"
fi

say() { echo "with-postgres: $*" >&2; }

# Gives up on a server: fails under CI, otherwise runs the command without one.
no_server() {
    if [ "${CI:-}" = "true" ]; then
        say "error: $1"
        say "CI=true needs PostgreSQL: install it (apt-get install postgresql) or set CONCORDAT_TEST_POSTGRES"
        exit 1
    fi
    say "warning: $1; running without PostgreSQL (its tests will not run)"
    cleanup
    trap - EXIT
    exec "${CMD[@]}"
}

CMD=("$@")
WORK=""
BINDIR=""
AS_USER=""

as_server_user() {
    if [ -z "$AS_USER" ]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u "$AS_USER" -- "$@"
    elif command -v setpriv >/dev/null 2>&1; then
        local uid gid
        uid=$(id -u "$AS_USER")
        gid=$(id -g "$AS_USER")
        setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$@"
    else
        su -s /bin/sh "$AS_USER" -c "$(printf '%q ' "$@")"
    fi
}

cleanup() {
    if [ -n "$WORK" ] && [ -d "$WORK" ]; then
        if [ -n "$BINDIR" ] && [ -f "$WORK/data/postmaster.pid" ]; then
            as_server_user "$BINDIR/pg_ctl" -D "$WORK/data" -m immediate -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

find_bindir() {
    if [ -n "${PG_BINDIR:-}" ]; then
        echo "$PG_BINDIR"
        return
    fi
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
        echo "$dir"
        return
    fi
    if command -v initdb >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v initdb)")"
    fi
}

BINDIR=$(find_bindir)
if [ -z "$BINDIR" ] || [ ! -x "$BINDIR/initdb" ] || [ ! -x "$BINDIR/pg_ctl" ]; then
    no_server "no PostgreSQL server programs found (initdb, pg_ctl)"
fi

if [ "$(id -u)" -eq 0 ]; then
    if id postgres >/dev/null 2>&1; then
        AS_USER=postgres
    else
        AS_USER=nobody
    fi
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/concordat-pg.XXXXXX")
chmod 700 "$WORK"
mkdir -p "$WORK/sock"
if [ -n "$AS_USER" ]; then
    chown -R "$AS_USER" "$WORK"
fi

if ! as_server_user "$BINDIR/initdb" -D "$WORK/data" -U postgres -A trust -E UTF8 --locale=C \
    --no-sync >"$WORK/initdb.log" 2>&1; then
    tail -n 20 "$WORK/initdb.log" >&2 || true
    no_server "initdb failed"
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

started=""
for _ in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 40000))
    if port_in_use "$port"; then
        continue
    fi
    if as_server_user "$BINDIR/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$WORK/sock -c max_connections=200" \
        start >/dev/null 2>&1; then
        started=$port
        break
    fi
done
if [ -z "$started" ]; then
    tail -n 20 "$WORK/server.log" >&2 2>/dev/null || true
    no_server "the throwaway PostgreSQL server would not start"
fi

export CONCORDAT_TEST_POSTGRES="postgres://postgres@127.0.0.1:$started"
say "throwaway $("$BINDIR/postgres" --version) at $CONCORDAT_TEST_POSTGRES (data in $WORK)"

# In the background, so that a TERM or INT sent to this script is passed on and the server still
# stopped (bash runs traps only between commands); stdin is handed through explicitly.
exec 3<&0
"${CMD[@]}" <&3 3<&- &
child=$!
exec 3<&-
trap 'kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; exit 143' TERM
trap 'kill -INT "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; exit 130' INT
status=0
wait "$child" || status=$?
exit "$status"
