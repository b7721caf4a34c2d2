#!/usr/bin/env bash
# Runs every check and test of the project on a fresh machine.
# Usage: ./scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo doc (warnings denied)"
RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps --locked

step "cargo test"
cargo test --workspace --locked

step "quickstart"
cargo run --release --locked --example quickstart >/dev/null
echo "quickstart ran"
