#!/usr/bin/env bash
# The reference service under load: joins through HTTP, with 1, 2 and 4 service
# replicas over one durable PostgreSQL, next to pgbench on the same server.
#
# By default it starts a durable server of its own (scripts/pg.sh with
# PATUNGAN_PG_DURABLE=1: fsync, synchronous_commit and full_page_writes on; port
# 54330, data in /tmp/patungan-pg-durable). With LOAD_BENCH_URL set it measures that
# server instead (any PostgreSQL you may create a database and schemas on).
#
#   benches/load/run.sh                        # 20 s per measurement
#   LOAD_BENCH_SECONDS=10 benches/load/run.sh
#   LOAD_BENCH_URL=postgres://… benches/load/run.sh
#
# Other settings: LOAD_BENCH_CLIENTS (64), LOAD_BENCH_SESSIONS (sessions of the spread
# scenario, 1000), LOAD_BENCH_REPLICAS ("1 2 4"), LOAD_BENCH_JOIN_WAIT_MS (the
# service's PATUNGAN_JOIN_WAIT_MS; unset keeps its default, 5000: a join answers once
# its invoice exists), LOAD_BENCH_RUST_LOG (the replicas' RUST_LOG, default warn).
#
# Measures, one after the other on the same server:
#   - pgbench -i -s 1, then pgbench -b tpcb-like -s 1 -c 32 -j 2 -T $seconds (TPS),
#     before, between and after the replica counts (each ratio is to the mean of the
#     two pgbench runs around its replica count);
#   - for 1, 2 and 4 replicas of patungan-service (release build, separate processes
#     on 127.0.0.1:18081.., one schema shared by the replicas; fresh replicas and a
#     fresh schema for every replica count and scenario): the load generator
#     (benches/load, release build) with 64 clients spread round-robin over the
#     replicas, each join by a fresh shopper:
#       hot    every join on one session (target: >= 2 x pgbench TPS, p99 <= 100 ms)
#       spread joins round-robin over 1 000 sessions
#     and, after each, the outbox entries still pending (invoices not created yet);
# and prints each figure, the ratios to the mean pgbench TPS, the machine and server
# settings and the load average. Replicas are stopped on exit.
#
# Profile of each run: the server's commits (pg_stat_database) and WAL flushes
# (pg_stat_wal.wal_sync) per successful join, and with LOAD_BENCH_PERF=1 the share
# of CPU samples per process (`perf record -a` for the run; perf must be installed).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${LOAD_BENCH_SECONDS:-20}
clients=${LOAD_BENCH_CLIENTS:-64}
sessions=${LOAD_BENCH_SESSIONS:-1000}
replica_counts=${LOAD_BENCH_REPLICAS:-1 2 4}
if [ -n "${LOAD_BENCH_URL:-}" ]; then
  DATABASE_URL=$LOAD_BENCH_URL
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
sql() { PGOPTIONS="-c client_min_messages=warning" "$psql" -X -q "$DATABASE_URL" "$@"; }

# pgbench gets a database of its own on the same server.
base=${DATABASE_URL%%\?*}
bench_db=patungan_pgbench_load
bench_url="${base%/*}/$bench_db"

echo "== building the service and the load generator (release)"
(cd "$root" && cargo build --release --quiet -p patungan-service -p patungan-load)
bin="${CARGO_TARGET_DIR:-$root/target}/release"

echo "== machine and server"
echo "cpus: $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
"$psql" -X -qAt "$DATABASE_URL" -c "SELECT version()"
"$psql" -X -qAt "$DATABASE_URL" -F ' = ' -c "SELECT name, current_setting(name) FROM pg_settings
  WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers',
                 'max_connections', 'wal_level', 'commit_delay') ORDER BY name"

sql -c "DROP DATABASE IF EXISTS $bench_db" -c "CREATE DATABASE $bench_db"
"$pgbench" -q -i -s 1 "$bench_url" >/dev/null 2>&1

pgbench_tps() {
  echo "== pgbench tpcb-like, scale 1, 32 clients, 2 threads, ${seconds} s" >&2
  local out
  out=$("$pgbench" -b tpcb-like -s 1 -c 32 -j 2 -T "$seconds" "$bench_url" 2>&1)
  echo "$out" | grep -E 'latency average|^tps' >&2
  echo "$out" | awk '/^tps = / {print $3; exit}'
}

field() { echo "$1" | grep '^load ' | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k {print $2}'; }

# The replicas' settings: HS256 tokens with a secret made for this run, the per-IP
# limit raised to its maximum (every client comes from 127.0.0.1), quiet logs.
secret=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
export PATUNGAN_JWT_HS256_SECRET=$secret PATUNGAN_JWT_ISSUER=patungan-load PATUNGAN_JWT_AUDIENCE=patungan
# The generator's joins give their courier price (no quote round trip per join).
export PATUNGAN_JOIN_COURIER_PRICE=given
export PATUNGAN_RATE_LIMIT_IP=100000
export RUST_LOG=${LOAD_BENCH_RUST_LOG:-warn}
[ -n "${LOAD_BENCH_JOIN_WAIT_MS:-}" ] && export PATUNGAN_JOIN_WAIT_MS=$LOAD_BENCH_JOIN_WAIT_MS
logs=$(mktemp -d /tmp/patungan-load.XXXXXX)

pids=()
stop_replicas() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap stop_replicas EXIT

# start_replicas N SCHEMA: N replicas on 127.0.0.1:18081.., their URLs in $urls.
start_replicas() {
  local n=$1 schema=$2 i port
  urls=""
  for ((i = 1; i <= n; i++)); do
    port=$((18080 + i))
    PATUNGAN_LISTEN=127.0.0.1:$port PATUNGAN_DB_SCHEMA=$schema \
      "$bin/patungan-service" >"$logs/replicas-$n-$i.log" 2>&1 &
    pids+=($!)
    urls="${urls:+$urls,}http://127.0.0.1:$port"
  done
}

# wait_ready URLS: until every replica answers /health (at most 120 s).
wait_ready() {
  local url
  for url in ${1//,/ }; do
    for _ in $(seq 1200); do
      curl -fsS -o /dev/null "$url/health" 2>/dev/null && break
      sleep 0.1
    done
  done
}

# The server's committed transactions (this database) and WAL flushes so far.
server_counters() {
  "$psql" -X -qAt "$DATABASE_URL" -F ' ' -c "SELECT (SELECT xact_commit FROM pg_stat_database
    WHERE datname = current_database()), (SELECT wal_sync FROM pg_stat_wal)"
}

# per_join BEFORE AFTER JOINED: commits and WAL flushes per successful join.
per_join() {
  local joined=${3:-0}
  read -r c0 w0 <<<"$1"
  read -r c1 w1 <<<"$2"
  [ "$joined" -gt 0 ] 2>/dev/null || return 0
  awk -v c=$((c1 - c0)) -v w=$((w1 - w0)) -v j="$joined" 'BEGIN {
    printf "server: %d commits (%.2f per join), %d WAL flushes (%.3f per join; %.1f joins per flush)\n", c, c / j, w, w / j, (w > 0 ? j / w : 0) }'
}

perf_pid=""
start_perf() {
  perf record -a -F 499 -o "$1" -q -- sleep $((seconds + 15)) >/dev/null 2>&1 &
  perf_pid=$!
}
# stop_perf FILE: the share of CPU samples per process name during the run.
stop_perf() {
  kill -INT "$perf_pid" 2>/dev/null || true
  wait "$perf_pid" 2>/dev/null || true
  echo "CPU samples by process (perf record -a -F 499):"
  perf report -i "$1" --sort comm --stdio -q 2>/dev/null | awk 'NF && $1+0 >= 0.5' | head -12
}

# pgbench runs before the first replica count, between the counts and after the last;
# each replica count is compared with the mean of the two pgbench runs around it, so a
# load drift on the machine moves both sides of a ratio alike.
tps=("$(pgbench_tps)")
results=()
for n in $replica_counts; do
  echo "== $n replica(s); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  for scenario in hot spread; do
    # A fresh schema and fresh replicas per run: no outbox backlog carries over.
    schema=patungan_load_r${n}_$scenario
    sql -c "DROP SCHEMA IF EXISTS $schema CASCADE"
    start_replicas "$n" "$schema"
    echo "== $scenario: $clients clients over $n replica(s), ${seconds} s"
    wait_ready "$urls"
    before=$(server_counters)
    [ -n "${LOAD_BENCH_PERF:-}" ] && start_perf "$logs/perf-$n-$scenario.data"
    out=$("$bin/patungan-load" --url "$urls" --clients "$clients" --seconds "$seconds" \
      --scenario "$scenario" --sessions "$sessions" --wait-ready 120) || echo "(the load generator reported failures)"
    [ -n "${LOAD_BENCH_PERF:-}" ] && stop_perf "$logs/perf-$n-$scenario.data"
    echo "$out"
    per_join "$before" "$(server_counters)" "$(field "$out" joined)"
    # Invoices still to create when the run ended (the effect runners' backlog).
    backlog=$("$psql" -X -qAt "$DATABASE_URL" -c "SELECT count(*) FROM $schema.outbox WHERE state = 'pending'")
    echo "outbox entries still pending at the end: $backlog"
    stop_replicas
    results+=("$n $scenario $(field "$out" rate) $(field "$out" p50_ms) $(field "$out" p99_ms) $(field "$out" refused) $(field "$out" failed) ${#tps[@]} $backlog")
  done
  tps+=("$(pgbench_tps)")
done
sql -c "DROP DATABASE IF EXISTS $bench_db"

echo "== summary (PATUNGAN_JOIN_WAIT_MS=${PATUNGAN_JOIN_WAIT_MS:-5000}; replica logs in $logs)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "pgbench tpcb-like TPS (before, between and after the replica counts): ${tps[*]}"
printf '%s\n' "${results[@]}" | awk -v tps="${tps[*]}" '
  BEGIN {
    split(tps, t, " ")
    printf "%-8s %-8s %10s %9s %9s %8s %8s %8s %7s %8s\n", "replicas", "scenario", "joins/s", "p50 ms", "p99 ms", "refused", "failed", "backlog", "pgbench", "ratio"
  }
  {
    around = (t[$8] + t[$8 + 1]) / 2
    ratio = (around > 0) ? $3 / around : 0
    target = ($2 == "hot") ? sprintf("  (target >= 2.0 and p99 <= 100 ms: %s)", (ratio >= 2 && $5 <= 100) ? "met" : "not met") : ""
    printf "%-8s %-8s %10.1f %9.2f %9.2f %8d %8d %8d %7.1f %8.2f%s\n", $1, $2, $3, $4, $5, $6, $7, $9, around, ratio, target
  }'
