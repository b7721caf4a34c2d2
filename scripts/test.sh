#!/usr/bin/env bash
# Runs every check and test of the project on a fresh machine: Rust (formatting,
# clippy and rustdoc with warnings denied, unit, golden-vector, property, simulation
# and PostgreSQL tests), the quickstart, benchmark smoke runs, and the Python, Node
# and Kotlin bindings.
# Installs what it needs (PostgreSQL, Python and npm packages, the Kotlin compiler,
# JNA) and starts a throwaway PostgreSQL on 127.0.0.1.
#
# Usage: ./scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# A clean build needs no incremental caches (they doubled the target directory).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
disk() { df -h . 2>/dev/null | tail -1 || true; }
step "disk before the build: $(disk)"

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo doc (warnings denied)"
RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps --locked

step "PostgreSQL for the integration tests"
eval "$(./scripts/pg.sh start)"
export DATABASE_URL
export PATUNGAN_REQUIRE_PG=1

step "cargo test"
cargo test --workspace --locked

step "quickstart (in memory, then on PostgreSQL)"
env -u DATABASE_URL cargo run --locked --example quickstart >/dev/null
cargo run --locked --example quickstart >/dev/null
echo "quickstart ran on both stores"

step "benchmark smoke runs (each benchmark once; pg_bench for 1 s)"
cargo test --locked -q -p patungan-benches --benches
cargo run --locked -q -p patungan-postgres --example pg_bench -- joins --clients 4 --seconds 1
cargo run --locked -q -p patungan-postgres --example pg_bench -- ledger --clients 2 --seconds 1 --batch 10 --accounts 100 --touch 4
cargo run --locked -q -p patungan-postgres --example pg_bench -- withdrawals --existing 100 --requests 10

step "load generator smoke run (one debug service replica on the test PostgreSQL, 1 s)"
cargo build --locked -q -p patungan-service -p patungan-load
debug_bin="${CARGO_TARGET_DIR:-$PWD/target}/debug"
load_secret=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
PATUNGAN_LISTEN=127.0.0.1:18090 PATUNGAN_DB_SCHEMA=patungan_load_smoke PATUNGAN_RATE_LIMIT_IP=100000 RUST_LOG=warn \
  PATUNGAN_JOIN_COURIER_PRICE=given \
  PATUNGAN_JWT_HS256_SECRET=$load_secret PATUNGAN_JWT_ISSUER=smoke PATUNGAN_JWT_AUDIENCE=patungan \
  "$debug_bin/patungan-service" >"${TMPDIR:-/tmp}/patungan-load-smoke.log" 2>&1 &
service_pid=$!
trap 'kill $service_pid 2>/dev/null || true' EXIT
load_out=$("$debug_bin/patungan-load" --url http://127.0.0.1:18090 --clients 4 --seconds 1 \
  --scenario hot --wait-ready 120 --secret "$load_secret" --issuer smoke --audience patungan)
kill $service_pid && wait $service_pid 2>/dev/null || true
trap - EXIT
echo "$load_out"
grep -q '^load .* rate=' <<<"$load_out"

step "disk after the Rust tests: $(disk)"

step "bindings (Python, Node, Kotlin, Swift)"
./scripts/test-bindings.sh

step "service: /openapi.json validated by openapi-spec-validator (bindings' Python venv)"
VENV="${CARGO_TARGET_DIR:-$PWD/target}/bindings/venv"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check "openapi-spec-validator>=0.7,<1"
PATUNGAN_OPENAPI_PYTHON="$VENV/bin/python" \
  cargo test --locked -p patungan-service --test security openapi
