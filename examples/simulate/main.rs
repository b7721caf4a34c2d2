//! Long runs of the seeded simulation (`patungan_testing::sim`), on the
//! in-memory store or on PostgreSQL.
//!
//! ```text
//! cargo run -p patungan-examples --example simulate -- --seeds 1000
//! cargo run -p patungan-examples --example simulate -- --seed 42 --verbose
//! cargo run --release -p patungan-examples --example simulate -- --seeds 100000 --from 5000 --steps 400
//! DATABASE_URL=postgres://… cargo run --release -p patungan-examples --example simulate -- --store postgres --seeds 200
//! ```
//!
//! `--seeds N` runs seeds `from..from + N` (default from 0) on every core; `--seed S`
//! replays one seed; `--steps` sets the random steps per seed; `--verbose` prints
//! every step; `--store postgres` runs each seed in a fresh schema on the server
//! named by `DATABASE_URL` (a failing seed's schema is kept for inspection).
//! Exits non-zero if any seed fails, printing each failure with its seed.

use std::process::ExitCode;
use std::time::Instant;

use patungan_postgres::testing::PgFactory;
use patungan_testing::sim::{run_seed_on, run_seeds_on, total, Options};
use patungan_testing::{MemoryFactory, StoreFactory};

fn usage() -> ExitCode {
    eprintln!(
        "usage: simulate [--store memory|postgres] [--seeds N] [--from S] [--seed S] [--steps N] [--check-every N] [--threads N] [--verbose]"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut options = Options::default();
    let mut seeds = 1_000u64;
    let mut from = 0u64;
    let mut single: Option<u64> = None;
    let mut threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut factory: Box<dyn StoreFactory> = Box::new(MemoryFactory);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().and_then(|v| v.parse::<u64>().ok());
        if arg == "--store" {
            factory = match args.next().as_deref() {
                Some("memory") => Box::new(MemoryFactory),
                Some("postgres") => match std::env::var("DATABASE_URL") {
                    Ok(url) => Box::new(PgFactory::new(url)),
                    Err(_) => {
                        eprintln!("--store postgres needs DATABASE_URL");
                        return ExitCode::from(2);
                    }
                },
                _ => return usage(),
            };
            continue;
        }
        match arg.as_str() {
            "--seeds" => match value() {
                Some(v) => seeds = v,
                None => return usage(),
            },
            "--from" => match value() {
                Some(v) => from = v,
                None => return usage(),
            },
            "--seed" => match value() {
                Some(v) => single = Some(v),
                None => return usage(),
            },
            "--steps" => match value() {
                Some(v) => options.steps = v as usize,
                None => return usage(),
            },
            "--check-every" => match value() {
                Some(v) => options.check_every = (v as usize).max(1),
                None => return usage(),
            },
            "--threads" => match value() {
                Some(v) => threads = (v as usize).max(1),
                None => return usage(),
            },
            "--verbose" => options.verbose = true,
            _ => return usage(),
        }
    }
    let started = Instant::now();
    if let Some(seed) = single {
        return match run_seed_on(&*factory, seed, options) {
            Ok(passed) => {
                println!(
                    "seed {seed} passed in {:.2?}: {}",
                    started.elapsed(),
                    passed.stats
                );
                ExitCode::SUCCESS
            }
            Err(failure) => {
                eprintln!("{failure}");
                ExitCode::FAILURE
            }
        };
    }
    let list: Vec<u64> = (from..from.saturating_add(seeds)).collect();
    let (passed, failed) = run_seeds_on(&*factory, &list, options, threads);
    for failure in &failed {
        eprintln!("{failure}");
    }
    println!(
        "{} seeds ({}..{}) on {} in {:.1?} on {threads} threads: {} passed, {} failed",
        list.len(),
        from,
        from.saturating_add(seeds),
        factory.name(),
        started.elapsed(),
        passed.len(),
        failed.len()
    );
    println!("totals: {}", total(&passed));
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        println!(
            "failing seeds: {:?}",
            failed.iter().map(|f| f.seed).collect::<Vec<_>>()
        );
        ExitCode::FAILURE
    }
}
