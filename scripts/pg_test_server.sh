#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (never a mock): `start` installs PostgreSQL with
# apt-get when it is missing and we are root, creates a cluster in a temporary directory (owned by the `postgres`
# user when run as root: the server refuses to run as root), starts it on a unix socket in that
# directory and a free localhost port, creates the database `evalkit_test`, and prints the URL:
#     postgresql+psycopg://USER@127.0.0.1:PORT/evalkit_test
# `stop` stops it and removes the directory. Used by `make test`.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# outside the checkout (whose parents the postgres user may not be allowed to traverse)
PGDIR="${EVALKIT_PG_DIR:-/tmp/evalkit-pg-$(id -u)-$(printf %s "$ROOT" | cksum | cut -d' ' -f1)}"
DATA="$PGDIR/data"
LOG="$PGDIR/server.log"

find_bin() {
    local name="$1" dir
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/$name" ]; then echo "$dir/$name"; return 0; fi
    done
    return 1
}

install_postgres() {
    if find_bin initdb >/dev/null && find_bin pg_ctl >/dev/null; then return 0; fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing PostgreSQL (apt-get)…" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    find_bin initdb >/dev/null || { echo "PostgreSQL introuvable : installez le paquet postgresql." >&2; exit 1; }
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

start() {
    install_postgres
    local initdb pg_ctl user port
    initdb="$(find_bin initdb)"
    pg_ctl="$(find_bin pg_ctl)"
    stop_quiet
    mkdir -p "$PGDIR"
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PGDIR" --shell /usr/sbin/nologin postgres
        chown postgres "$PGDIR"
        chmod 755 "$PGDIR"
        user=postgres
    else
        user="$(id -un)"
    fi
    as_owner "$initdb" -D "$DATA" -U "$user" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null 2>&1 \
        || as_owner "$initdb" -D "$DATA" -U "$user" --auth=trust --encoding=UTF8 --no-locale >/dev/null
    port="$(free_port)"
    as_owner "$pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
        -o "-p $port -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null
    echo "$port" >"$PGDIR/port"
    as_owner "$(find_bin createdb || echo createdb)" -h "$PGDIR" -p "$port" -U "$user" evalkit_test 2>/dev/null \
        || as_owner "$(find_bin psql)" -h "$PGDIR" -p "$port" -U "$user" -d postgres -qc "CREATE DATABASE evalkit_test" >/dev/null
    echo "postgresql+psycopg://$user@127.0.0.1:$port/evalkit_test"
}

stop_quiet() {
    local pg_ctl
    pg_ctl="$(find_bin pg_ctl 2>/dev/null || true)"
    if [ -n "$pg_ctl" ] && [ -f "$DATA/postmaster.pid" ]; then
        as_owner "$pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PGDIR"
}

case "${1:-}" in
    start) start ;;
    stop) stop_quiet ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
