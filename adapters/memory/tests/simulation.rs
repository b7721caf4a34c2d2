//! The seeded simulation (`patungan_testing::sim`) on the in-memory store
//! in CI: at least 200 seeds (`PATUNGAN_SIM_SEEDS` overrides),
//! each a random run with injected faults, every invariant checked. A failure prints
//! the seed and the command that replays it.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use patungan_testing::sim::{require_all_pass, run_seed, Options};
use patungan_testing::MemoryFactory;

fn seed_count() -> u64 {
    std::env::var("PATUNGAN_SIM_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200)
}

#[test]
fn seeds_keep_every_invariant() {
    let seeds: Vec<u64> = (0..seed_count()).collect();
    require_all_pass(&MemoryFactory, &seeds, Options::default());
}

#[test]
fn a_seed_replays_identically() {
    let options = Options {
        steps: 120,
        ..Options::default()
    };
    // Seeds covering every weather, wallet refunds, two replicas racing, clock skew.
    for seed in [0, 3, 7, 25, 45, 52] {
        let first = run_seed(seed, options).unwrap_or_else(|f| panic!("{f}"));
        let second = run_seed(seed, options).unwrap_or_else(|f| panic!("{f}"));
        assert_eq!(first, second, "seed {seed} ran differently twice");
    }
}
