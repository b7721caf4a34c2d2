//! criterion benchmarks (session); filled in by its issue.

fn main() {}
