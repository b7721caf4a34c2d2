//! criterion benchmarks of Patungan; run `cargo bench -p patungan-benches`.
