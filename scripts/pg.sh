#!/usr/bin/env bash
# Starts (or reuses) a throwaway PostgreSQL server on 127.0.0.1 for the tests and
# benchmarks, installing Debian's PostgreSQL if it is missing.
#
#   eval "$(./scripts/pg.sh start)"   # exports DATABASE_URL
#   ./scripts/pg.sh stop
#
# Settings: PATUNGAN_PG_PORT (default 54329), PATUNGAN_PG_DATA (default
# /tmp/patungan-pg). The server is tuned for tests (fsync off): never point it at
# data you care about. PATUNGAN_PG_DURABLE=1 keeps PostgreSQL's durable defaults
# (fsync, synchronous_commit and full_page_writes on), for measuring money paths.
set -euo pipefail

port=${PATUNGAN_PG_PORT:-54329}
data=${PATUNGAN_PG_DATA:-/tmp/patungan-pg}
url="postgres://postgres@127.0.0.1:${port}/postgres"

find_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_owner() {
  # PostgreSQL refuses to run as root: run its tools as the postgres user then.
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local bin
  bin=$(find_bin)
  if [ -z "$bin" ]; then
    echo "installing PostgreSQL" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    bin=$(find_bin)
  fi
  if [ -f "$data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    echo "export DATABASE_URL=$url"
    return
  fi
  rm -rf "$data"
  mkdir -p "$data"
  [ "$(id -u)" = 0 ] && chown postgres: "$data"
  as_owner "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${PATUNGAN_PG_DURABLE:-0}" = 1 ] && durability="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w start -o \
    "-p $port -k $data -c listen_addresses=127.0.0.1 -c max_connections=300 $durability -c shared_buffers=256MB" >/dev/null
  echo "export DATABASE_URL=$url"
}

stop() {
  local bin
  bin=$(find_bin)
  [ -n "$bin" ] && [ -d "$data" ] && as_owner "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
