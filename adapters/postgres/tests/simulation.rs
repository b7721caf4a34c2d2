//! The seeded simulation (`patungan_testing::sim`) on PostgreSQL in CI: 20
//! seeds (`PATUNGAN_PG_SIM_SEEDS` overrides), each in a fresh schema, each replica
//! and each restarted replica on its own connection pool. `PATUNGAN_PG_SIM_STEPS`
//! sets the random steps per seed (default: the simulation's default).

use patungan_postgres::testing::{database_url, PgFactory};
use patungan_testing::sim::{require_all_pass, Options};

fn env(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|s| s.parse().ok())
}

#[test]
fn seeds_keep_every_invariant_on_postgres() {
    let Some(url) = database_url("simulation") else {
        return;
    };
    let seeds: Vec<u64> = (0..env("PATUNGAN_PG_SIM_SEEDS").unwrap_or(20)).collect();
    let mut options = Options::default();
    if let Some(steps) = env("PATUNGAN_PG_SIM_STEPS") {
        options.steps = steps as usize;
    }
    require_all_pass(&PgFactory::new(url), &seeds, options);
}
