#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL server on loopback (unless DATABASE_URL is already set).
# Usage: bench/with_postgres.sh .venv/bin/python bench/foundation_bench.py
set -euo pipefail
if [ -n "${DATABASE_URL:-}" ]; then exec "$@"; fi
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_DIR=$(mktemp -d /tmp/neuguong-bench-pg.XXXXXX)
PG_PORT=${PG_PORT:-55433}
chown postgres "$PG_DIR"
su postgres -c "$PG_BIN/initdb -D $PG_DIR/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null"
su postgres -c "$PG_BIN/pg_ctl -D $PG_DIR/data -l $PG_DIR/log -w -o '-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c work_mem=64MB -c fsync=off -c synchronous_commit=off -c full_page_writes=off' start >/dev/null"
trap 'su postgres -c "$PG_BIN/pg_ctl -D $PG_DIR/data -m fast stop" >/dev/null 2>&1; rm -rf "$PG_DIR"' EXIT
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/neuguong_bench"
su postgres -c "$PG_BIN/createdb -h 127.0.0.1 -p $PG_PORT neuguong_bench"
"$@"
