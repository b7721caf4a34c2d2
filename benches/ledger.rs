//! criterion benchmarks (ledger); filled in by its issue.

fn main() {}
