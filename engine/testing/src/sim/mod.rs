//! A seeded simulation of the engine (TigerBeetle VOPR style).
//!
//! Each seed draws a world (fault rates, engine configuration, products, users) and
//! then a few hundred random steps over a simulated clock: sessions created, joins
//! (valid and invalid), invoices paid or left to expire, leaves, cancels, stock,
//! refunds and payouts decided, deposits and withdrawals, ticks at irregular times.
//! Faults are injected throughout: gateway and disburser errors and lost responses,
//! webhooks delayed, duplicated and reordered, engine processes crashing at any
//! store call (a fresh engine takes over the same store), store blips, two replicas
//! racing. Invariants are checked every few steps and, after the world is driven to
//! rest, in full. A failure names its seed; on the in-memory store the same seed
//! replays the same run (on a real database, races between replicas may interleave
//! differently).
//!
//! Any store runs it through a [`StoreFactory`] ([`run_seeds_on`]): each seed gets
//! a fresh data set, each replica (and each replica restarted after a crash) opens
//! its own store handle, wrapped in a fault-injecting [`FaultyStore`]. Store fault
//! kinds are [`FaultKind`]; the step that arms them is `Sim::fault` in `driver.rs`.
//! The running invariants are in `check.rs` (`Sim::check_books`), the ones at rest
//! in `at_rest.rs`.

mod at_rest;
mod check;
mod courier;
mod driver;
mod fulfilment;
mod gateway;
mod model;
mod money;
mod oracle;
mod provider_faults;
mod quiesce;
pub mod rng;
mod scenario;
mod sessions;
mod store;
mod webhooks;
mod world;

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

pub use model::Stats;
pub use store::{FaultKind, FaultyStore, StoreFaults};

use super::{MemoryFactory, StoreFactory};

/// How a run is driven.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Random steps before quiescence.
    pub steps: usize,
    /// The running invariants are checked every this many steps.
    pub check_every: usize,
    /// Print every step as it happens.
    pub verbose: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            steps: 300,
            check_every: 10,
            verbose: false,
        }
    }
}

/// A seed that broke an invariant (or panicked).
#[derive(Debug, Clone)]
pub struct Failure {
    /// The seed: run it again with `--seed`.
    pub seed: u64,
    /// The store it ran on ([`StoreFactory::name`]).
    pub store: String,
    /// What went wrong.
    pub message: String,
    /// The last steps before it.
    pub trace: Vec<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "seed {} failed: {}", self.seed, self.message)?;
        writeln!(
            f,
            "  reproduce: cargo run -p patungan-examples --example simulate -- --store {} --seed {} --verbose",
            self.store, self.seed
        )?;
        writeln!(f, "  last steps:")?;
        for line in &self.trace {
            writeln!(f, "    {line}")?;
        }
        Ok(())
    }
}

/// A seed that passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passed {
    /// The seed.
    pub seed: u64,
    /// What happened.
    pub stats: Stats,
    /// A hash of the whole trace (equal for two runs of one seed).
    pub digest: u64,
}

/// Runs one seed on the in-memory store.
pub fn run_seed(seed: u64, options: Options) -> Result<Passed, Failure> {
    run_seed_on(&MemoryFactory, seed, options)
}

/// Runs `seeds` on the in-memory store on `threads` threads.
pub fn run_seeds(seeds: &[u64], options: Options, threads: usize) -> (Vec<Passed>, Vec<Failure>) {
    run_seeds_on(&MemoryFactory, seeds, options, threads)
}

/// Runs one seed on a fresh data set of `factory`, on a fresh single-threaded
/// runtime. The data set is cleaned up if the seed passes and kept if it fails.
pub fn run_seed_on(
    factory: &dyn StoreFactory,
    seed: u64,
    options: Options,
) -> Result<Passed, Failure> {
    let failure = |message: String, trace: Vec<String>| Failure {
        seed,
        store: factory.name().to_owned(),
        message,
        trace,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failure(format!("no runtime: {e}"), Vec::new()))?;
    let Some(fixture) = runtime.block_on(factory.fresh(&format!("sim_{seed}"))) else {
        return Err(failure(
            "the store factory gave no data set".into(),
            Vec::new(),
        ));
    };
    let mut sim = runtime.block_on(driver::Sim::new(seed, options, fixture.clone()));
    let outcome = catch_unwind(AssertUnwindSafe(|| runtime.block_on(sim.run())));
    let (digest, trace) = (sim.digest(), sim.trace());
    // The engines and store handles go before their data set.
    runtime.block_on(async move { drop(sim) });
    match outcome {
        Ok(Ok((_, stats))) => {
            runtime.block_on(fixture.cleanup());
            Ok(Passed {
                seed,
                stats,
                digest,
            })
        }
        Ok(Err(message)) => Err(failure(message, trace)),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "a panic".to_owned());
            Err(failure(format!("panicked: {message}"), trace))
        }
    }
}

/// Runs `seeds` on `factory`'s store on `threads` threads; returns the passes and
/// the failures, by seed.
pub fn run_seeds_on(
    factory: &dyn StoreFactory,
    seeds: &[u64],
    options: Options,
    threads: usize,
) -> (Vec<Passed>, Vec<Failure>) {
    let threads = threads.clamp(1, seeds.len().max(1));
    let chunks: Vec<Vec<u64>> = (0..threads)
        .map(|t| seeds.iter().copied().skip(t).step_by(threads).collect())
        .collect();
    let results: Vec<Result<Passed, Failure>> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|seed| run_seed_on(factory, seed, options))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![Err(Failure {
                        seed: u64::MAX,
                        store: factory.name().to_owned(),
                        message: "a simulation thread died; some seeds did not run".to_owned(),
                        trace: Vec::new(),
                    })]
                })
            })
            .collect()
    });
    let (mut passed, mut failed) = (Vec::new(), Vec::new());
    for result in results {
        match result {
            Ok(p) => passed.push(p),
            Err(f) => failed.push(f),
        }
    }
    passed.sort_by_key(|p| p.seed);
    failed.sort_by_key(|f| f.seed);
    (passed, failed)
}

/// Runs `seeds` on `factory`'s store and panics, naming every failing seed and how
/// to replay it, unless all of them keep every invariant (the CI test of a store).
pub fn require_all_pass(factory: &dyn StoreFactory, seeds: &[u64], options: Options) {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let started = std::time::Instant::now();
    let (passed, failed) = run_seeds_on(factory, seeds, options, threads);
    eprintln!(
        "simulation on {}: {} seeds of {} steps in {:.1?}: {}",
        factory.name(),
        seeds.len(),
        options.steps,
        started.elapsed(),
        total(&passed)
    );
    if !failed.is_empty() {
        for failure in &failed {
            eprintln!("{failure}");
        }
        panic!(
            "{} of {} seeds failed: {:?}",
            failed.len(),
            seeds.len(),
            failed.iter().map(|f| f.seed).collect::<Vec<_>>()
        );
    }
}

/// Sums the counters of many runs.
pub fn total(passed: &[Passed]) -> Stats {
    let mut t = Stats::default();
    for p in passed {
        let s = &p.stats;
        t.steps += s.steps;
        t.sessions_created += s.sessions_created;
        t.joins += s.joins;
        t.joins_refused += s.joins_refused;
        t.joins_unavailable += s.joins_unavailable;
        t.payments += s.payments;
        t.webhooks += s.webhooks;
        t.duplicates += s.duplicates;
        t.redeliveries += s.redeliveries;
        t.refunds.0 += s.refunds.0;
        t.refunds.1 += s.refunds.1;
        t.payouts.0 += s.payouts.0;
        t.payouts.1 += s.payouts.1;
        t.payouts.2 += s.payouts.2;
        t.payouts.3 += s.payouts.3;
        t.crashes += s.crashes;
        t.blips += s.blips;
        t.effects.0 += s.effects.0;
        t.effects.1 += s.effects.1;
        t.effects.2 += s.effects.2;
        t.ticks += s.ticks;
        t.deposits += s.deposits;
        t.withdrawals += s.withdrawals;
        t.outcomes.0 += s.outcomes.0;
        t.outcomes.1 += s.outcomes.1;
        t.outcomes.2 += s.outcomes.2;
        for (code, n) in &s.refusals {
            *t.refusals.entry(code.clone()).or_insert(0) += n;
        }
        for (what, n) in &s.seen {
            *t.seen.entry(what.clone()).or_insert(0) += n;
        }
    }
    t
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} steps, {} sessions created; joins {} accepted / {} refused ({} for availability); \
             {} payments; {} webhooks ({} duplicates, {} redelivered); refunds {} ok / {} failed; \
             payouts {} completed / {} failed / {} temporary / {} reversed; {} crashes, {} blips; \
             effects {} done / {} retried / {} given up; {} ticks; {} deposits, {} withdrawals; \
             sessions {} confirmed / {} failed / {} cancelled; seen {:?}; refusals {:?}",
            self.steps,
            self.sessions_created,
            self.joins,
            self.joins_refused,
            self.joins_unavailable,
            self.payments,
            self.webhooks,
            self.duplicates,
            self.redeliveries,
            self.refunds.0,
            self.refunds.1,
            self.payouts.0,
            self.payouts.1,
            self.payouts.2,
            self.payouts.3,
            self.crashes,
            self.blips,
            self.effects.0,
            self.effects.1,
            self.effects.2,
            self.ticks,
            self.deposits,
            self.withdrawals,
            self.outcomes.0,
            self.outcomes.1,
            self.outcomes.2,
            self.seen,
            self.refusals,
        )
    }
}
