//! criterion benchmarks (pricing); filled in by its issue.

fn main() {}
