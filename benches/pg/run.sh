#!/usr/bin/env bash
# PostgreSQL store throughput next to pgbench. By default it starts a durable
# server of its own (scripts/pg.sh with PATUNGAN_PG_DURABLE=1: fsync,
# synchronous_commit and full_page_writes on; port 54330, data in
# /tmp/patungan-pg-durable), because money needs durable commits. With
# PG_BENCH_URL set it measures that server instead (any PostgreSQL you may create a
# database and a schema on).
#
#   benches/pg/run.sh                  # 20 s per measurement, durable server
#   PG_BENCH_SECONDS=5 benches/pg/run.sh
#   PG_BENCH_URL=postgres://… benches/pg/run.sh
#
# Measures, one after the other on the same server:
#   - pgbench -i -s 1, then pgbench -b tpcb-like -s 1 -c 32 -j 2 -T $seconds (TPS),
#     three times: before, between and after the measurements below;
#   - hot-session joins/s: 32 clients join one session, each join a whole engine
#     operation committed to PostgreSQL (joins queued on the session commit
#     together), with one engine and with 4 engine instances (target: ≥ 3 ×
#     pgbench TPS each), and once with group commit off (--join-batch 1);
#   - ledger transfers/s through the adapter, 1 000 transfers per transaction
#     (target: ≥ 3 × pgbench TPS);
# and prints each figure, the ratios, and the machine and server settings.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${PG_BENCH_SECONDS:-20}
if [ -n "${PG_BENCH_URL:-}" ]; then
  DATABASE_URL=$PG_BENCH_URL
else
  eval "$(PATUNGAN_PG_DURABLE=1 PATUNGAN_PG_PORT=54330 PATUNGAN_PG_DATA=/tmp/patungan-pg-durable "$root/scripts/pg.sh" start)"
fi
export DATABASE_URL

pgbench=$(command -v pgbench || ls -d /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -n 1 || true)
psql=$(command -v psql || ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pgbench" ] || [ -z "$psql" ]; then
  echo "pgbench and psql are needed (Debian: apt-get install postgresql-client)" >&2
  exit 2
fi

# pgbench gets a database of its own on the same server.
base=${DATABASE_URL%%\?*}
bench_db=patungan_pgbench
bench_url="${base%/*}/$bench_db"

echo "== building the bench binary (release)"
(cd "$root" && cargo build --release --quiet -p patungan-postgres --example pg_bench)
bin="${CARGO_TARGET_DIR:-$root/target}/release/examples/pg_bench"

echo "== machine and server"
echo "cpus: $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
"$psql" -X -qAt "$DATABASE_URL" -c "SELECT version()"
"$psql" -X -qAt "$DATABASE_URL" -F ' = ' -c "SELECT name, current_setting(name) FROM pg_settings
  WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers',
                 'max_connections', 'wal_level') ORDER BY name"

PGOPTIONS="-c client_min_messages=warning" "$psql" -X -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS $bench_db" -c "CREATE DATABASE $bench_db"
"$pgbench" -q -i -s 1 "$bench_url" >/dev/null 2>&1

# pgbench runs before, between and after our measurements; each of ours is compared
# with the mean of the two pgbench runs around it, so a load drift on the machine
# moves both sides of a ratio alike.
pgbench_tps() {
  echo "== pgbench tpcb-like, scale 1, 32 clients, 2 threads, ${seconds} s" >&2
  local out
  out=$("$pgbench" -b tpcb-like -s 1 -c 32 -j 2 -T "$seconds" "$bench_url" 2>&1)
  echo "$out" | grep -E 'latency average|^tps' >&2
  echo "$out" | awk '/^tps = / {print $3; exit}'
}

field() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k {print $2}'; }

# Profile of a joins run: the server's commits (pg_stat_database, the adapter's
# database) and WAL flushes (pg_stat_wal.wal_sync) per join, and with PG_BENCH_PERF=1
# the share of CPU samples per process (perf record -a during the run).
server_counters() {
  "$psql" -X -qAt "$DATABASE_URL" -F ' ' -c "SELECT (SELECT xact_commit FROM pg_stat_database
    WHERE datname = current_database()), (SELECT wal_sync FROM pg_stat_wal)"
}
# measure_joins ARGS…: runs `pg_bench joins ARGS…`, prints its output and the profile.
measure_joins() {
  local before out perf_pid=""
  before=$(server_counters)
  if [ -n "${PG_BENCH_PERF:-}" ]; then
    perf record -a -F 499 -o "/tmp/pg-bench-perf.data" -q -- sleep $((seconds + 15)) >/dev/null 2>&1 &
    perf_pid=$!
  fi
  out=$("$bin" joins "$@")
  if [ -n "$perf_pid" ]; then
    kill -INT "$perf_pid" 2>/dev/null || true
    wait "$perf_pid" 2>/dev/null || true
    echo "CPU samples by process (perf record -a -F 499):" >&2
    perf report -i /tmp/pg-bench-perf.data --sort comm --stdio -q 2>/dev/null | awk 'NF && $1+0 >= 0.5' | head -8 >&2
  fi
  echo "$out"
  read -r c0 w0 <<<"$before"
  read -r c1 w1 <<<"$(server_counters)"
  awk -v c=$((c1 - c0)) -v w=$((w1 - w0)) -v j="$(field "$out" count)" 'BEGIN { if (j > 0)
    printf "server: %d commits (%.2f per join), %d WAL flushes (%.3f per join; %.1f joins per flush)\n", c, c / j, w, w / j, (w > 0 ? j / w : 0) }' >&2
}

tps1=$(pgbench_tps)

echo "== hot-session joins, 32 clients, one engine, ${seconds} s (engine defaults)"
joins_out=$(measure_joins --clients 32 --seconds "$seconds")
echo "$joins_out"
joins=$(field "$joins_out" rate)

echo "== hot-session joins, 32 clients over 4 engine instances (4 pools), ${seconds} s"
joins_multi_out=$(measure_joins --clients 32 --engines 4 --seconds "$seconds")
echo "$joins_multi_out"
joins_multi=$(field "$joins_multi_out" rate)

echo "== hot-session joins, 32 clients, one engine, group commit off, ${seconds} s"
joins_single_out=$(measure_joins --clients 32 --join-batch 1 --seconds "$seconds")
echo "$joins_single_out"
joins_single=$(field "$joins_single_out" rate)

tps2=$(pgbench_tps)

echo "== ledger transfers, 4 clients, 1000 transfers per transaction, ${seconds} s"
ledger_out=$("$bin" ledger --clients 4 --batch 1000 --seconds "$seconds")
echo "$ledger_out"
transfers=$(field "$ledger_out" rate)

tps3=$(pgbench_tps)
"$psql" -X -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS $bench_db"

echo "== summary"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v a="$tps1" -v b="$tps2" -v c="$tps3" -v j="$joins" -v jm="$joins_multi" -v js="$joins_single" -v t="$transfers" 'BEGIN {
  first = (a + b) / 2; second = (b + c) / 2
  printf "pgbench tpcb-like TPS (3 runs):          %10.1f %10.1f %10.1f\n", a, b, c
  printf "hot-session joins/s (one engine):        %10.1f   ratio %.2f (target >= 3.0)\n", j, j / first
  printf "hot-session joins/s (4 engine instances):%10.1f   ratio %.2f (target >= 3.0)\n", jm, jm / first
  printf "hot-session joins/s (group commit off):  %10.1f   ratio %.2f\n", js, js / second
  printf "ledger transfers/s (1000 per tx):        %10.1f   ratio %.2f (target >= 3.0)\n", t, t / second
}'
