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
//! rest, in full. A failure names its seed; the same seed replays the same run.
#![allow(dead_code)]

mod at_rest;
mod check;
mod driver;
mod gateway;
mod model;
mod money;
mod oracle;
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
            "  reproduce: cargo run -p patungan-engine --example simulate -- --seed {} --verbose",
            self.seed
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

/// Runs one seed on a fresh single-threaded runtime.
pub fn run_seed(seed: u64, options: Options) -> Result<Passed, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| Failure {
            seed,
            message: format!("no runtime: {e}"),
            trace: Vec::new(),
        })?;
    let mut sim = driver::Sim::new(seed, options);
    let outcome = catch_unwind(AssertUnwindSafe(|| runtime.block_on(sim.run())));
    match outcome {
        Ok(Ok((_, stats))) => Ok(Passed {
            seed,
            stats,
            digest: sim.digest(),
        }),
        Ok(Err(message)) => Err(Failure {
            seed,
            message,
            trace: sim.trace(),
        }),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "a panic".to_owned());
            Err(Failure {
                seed,
                message: format!("panicked: {message}"),
                trace: sim.trace(),
            })
        }
    }
}

/// Runs `seeds` on `threads` threads; returns the passes and the failures, by seed.
pub fn run_seeds(seeds: &[u64], options: Options, threads: usize) -> (Vec<Passed>, Vec<Failure>) {
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
                        .map(|seed| run_seed(seed, options))
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
