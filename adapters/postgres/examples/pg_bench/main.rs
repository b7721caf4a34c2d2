//! Throughput of the PostgreSQL store on a running server (`DATABASE_URL`); it
//! starts nothing. Driven by `benches/pg/run.sh`, which puts the figures next to
//! pgbench's.
//!
//! ```text
//! pg_bench joins  [--clients 32] [--seconds 20] [--engines 1] [--snapshot-every 512] [--join-batch 256]
//! pg_bench ledger [--clients 4] [--seconds 20] [--batch 1000] [--accounts 10000] [--touch 64]
//! pg_bench withdrawals [--existing 100000] [--requests 500]
//! ```
//!
//! `joins`: `clients` tasks join one session as fast as they can, spread over
//! `engines` engine instances (each with its own connection pool); every join is a
//! whole engine operation (lock, join, invoice record, outbox entry, events) committed
//! to PostgreSQL. `ledger`: `clients` tasks each commit transactions of `batch`
//! posted transfers among `touch` random accounts of `accounts`, through
//! `StoreTx::ledger` / `StoreTx::put_ledger` (accounts locked in id order, records
//! checked for duplicates). `withdrawals`: see `withdrawals.rs`. Each run uses a
//! fresh schema `patungan_bench`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use patungan_core::ledger::{AccountKind, AccountSpec, Entity, Ledger, Transfer};
use patungan_core::session::{JoinRequest, SessionConfig};
use patungan_core::{
    AccountId, BotPolicy, Currency, Money, Moq, ParticipantId, PaymentId, ProductId, SessionId,
    TierLadder, TransferId, UserId,
};
use patungan_engine::{Engine, EngineConfig, Ports};
use patungan_memory::{MemoryDisburser, MemoryGateway, MemoryShipping};
use patungan_ports::store::{LedgerDiff, Store};
use patungan_postgres::{PostgresOptions, PostgresStore};

mod withdrawals;

const SCHEMA: &str = "patungan_bench";

struct Args {
    mode: String,
    clients: usize,
    seconds: u64,
    engines: usize,
    snapshot_every: u64,
    join_batch: usize,
    batch: usize,
    accounts: u128,
    touch: usize,
    existing: u64,
    requests: usize,
}

fn args() -> Args {
    let mut raw = std::env::args().skip(1);
    let mode = raw.next().unwrap_or_else(|| usage());
    let ledger = mode == "ledger";
    let mut args = Args {
        mode,
        clients: if ledger { 4 } else { 32 },
        seconds: 20,
        engines: 1,
        snapshot_every: EngineConfig::default().snapshot_every,
        join_batch: EngineConfig::default().join_batch,
        batch: 1000,
        accounts: 10_000,
        touch: 64,
        existing: 100_000,
        requests: 500,
    };
    while let Some(flag) = raw.next() {
        let value = raw.next().unwrap_or_else(|| usage());
        let number: u64 = value.parse().unwrap_or_else(|_| usage());
        match flag.as_str() {
            "--clients" => args.clients = number.max(1) as usize,
            "--seconds" => args.seconds = number.max(1),
            "--engines" => args.engines = number.max(1) as usize,
            "--snapshot-every" => args.snapshot_every = number.max(1),
            "--join-batch" => args.join_batch = number.max(1) as usize,
            "--batch" => args.batch = number.max(1) as usize,
            "--accounts" => args.accounts = u128::from(number.max(2)),
            "--touch" => args.touch = number.max(2) as usize,
            "--existing" => args.existing = number,
            "--requests" => args.requests = number.max(1) as usize,
            _ => usage(),
        }
    }
    args
}

fn usage() -> ! {
    eprintln!(
        "usage: pg_bench joins [--clients N] [--seconds S] [--engines E] [--snapshot-every K] [--join-batch J]\n       \
         pg_bench ledger [--clients N] [--seconds S] [--batch B] [--accounts A] [--touch T]\n       \
         pg_bench withdrawals [--existing N] [--requests R]"
    );
    std::process::exit(2)
}

async fn fresh_store(url: &str, pool: usize) -> PostgresStore {
    let mut config: tokio_postgres::Config = url.parse().expect("DATABASE_URL");
    config.options(format!("-c search_path={SCHEMA}"));
    let (client, connection) = config.connect(tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(&format!("DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        .await
        .unwrap();
    store(url, pool).await
}

async fn store(url: &str, pool: usize) -> PostgresStore {
    PostgresStore::connect_with(
        PostgresOptions::new(url)
            .schema(SCHEMA)
            .max_connections(pool),
    )
    .await
    .unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

fn report(what: &str, args: &str, count: u64, elapsed: Duration, mut latencies: Vec<Duration>) {
    latencies.sort_unstable();
    let rate = count as f64 / elapsed.as_secs_f64();
    println!(
        "{what} {args} count={count} seconds={:.1} rate={rate:.1} p50_ms={:.2} p99_ms={:.2}",
        elapsed.as_secs_f64(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99)
    );
}

#[tokio::main]
async fn main() {
    let args = args();
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| {
        eprintln!("DATABASE_URL is not set (eval \"$(./scripts/pg.sh start)\" starts a server)");
        std::process::exit(2)
    });
    match args.mode.as_str() {
        "joins" => joins(&url, &args).await,
        "ledger" => ledger(&url, &args).await,
        "withdrawals" => withdrawals::withdrawals(&url, &args).await,
        _ => usage(),
    }
}

async fn joins(url: &str, args: &Args) {
    let at = |h| Utc.with_ymd_and_hms(2026, 11, 24, h, 0, 0).unwrap();
    let ladder = TierLadder::with_default_thresholds(
        Money::idr(200_000),
        [
            Money::idr(150_000),
            Money::idr(135_000),
            Money::idr(120_000),
            Money::idr(105_000),
        ],
    )
    .unwrap();
    let mut session = SessionConfig::new(
        ProductId::from_u128(77),
        Moq::new(1_000_000).unwrap(),
        ladder,
        at(0),
        at(23),
        Money::idr(500_000),
    );
    session.bot = BotPolicy::disabled();
    let id = SessionId::from_u128(1);
    let pool = (args.clients / args.engines).clamp(2, 32);
    let first = fresh_store(url, pool).await;
    let config = EngineConfig {
        snapshot_every: args.snapshot_every,
        join_batch: args.join_batch,
        ..EngineConfig::default()
    };
    let ports = Ports {
        gateway: Arc::new(MemoryGateway::default()),
        disburser: Arc::new(MemoryDisburser::default()),
        shipping: Arc::new(MemoryShipping::default()),
        notifier: Arc::new(patungan_memory::MemoryNotifier::default()),
        factory: Arc::new(patungan_memory::MemoryFactory::default()),
    };
    let mut engines = vec![Arc::new(Engine::new(
        Arc::new(first),
        ports.clone(),
        config.clone(),
    ))];
    for _ in 1..args.engines {
        let store = store(url, pool).await;
        engines.push(Arc::new(Engine::new(
            Arc::new(store),
            ports.clone(),
            config.clone(),
        )));
    }
    engines[0].create_session(id, session, at(0)).await.unwrap();

    let next = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..args.clients {
        let engine = Arc::clone(&engines[client % engines.len()]);
        let next = Arc::clone(&next);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let n = u128::from(next.fetch_add(1, Ordering::Relaxed));
                let request = JoinRequest {
                    participant: ParticipantId::from_u128(1_000_000 + n),
                    user: UserId::from_u128(n),
                    payment: PaymentId::from_u128(2_000_000 + n),
                    variant: None,
                    quantity: 1,
                    expected_unit_price: Money::idr(200_000),
                    courier_price: Money::idr(15_000),
                };
                let t = Instant::now();
                engine.join(id, &request, at(1)).await.unwrap();
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    let view = engines[0].session(id).await.unwrap();
    assert_eq!(
        view.session.state().participants().len(),
        latencies.len(),
        "every join is in the log"
    );
    report(
        "joins",
        &format!(
            "clients={} engines={} snapshot_every={} join_batch={}",
            args.clients, args.engines, args.snapshot_every, args.join_batch
        ),
        latencies.len() as u64,
        elapsed,
        latencies,
    );
}

/// A small deterministic generator (xorshift64*), so runs are repeatable.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u128) -> u128 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        u128::from(self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)) % n
    }
}

fn account(n: u128) -> AccountSpec {
    AccountSpec::new(
        AccountId::from_u128(1 + n),
        Entity::External,
        AccountKind::Clearing,
        Currency::IDR,
    )
}

async fn ledger(url: &str, args: &Args) {
    let store = Arc::new(fresh_store(url, args.clients.max(2)).await);
    let next = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..args.clients {
        let store = Arc::clone(&store);
        let next = Arc::clone(&next);
        let (batch, touch, accounts) = (args.batch, args.touch, args.accounts);
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (client as u64 + 1));
            let mut latencies = Vec::new();
            let mut transfers = 0u64;
            while Instant::now() < deadline {
                // `touch` distinct accounts, then transfers between two of them.
                let stride = (accounts / touch as u128).max(1);
                let offset = rng.below(accounts);
                let specs: Vec<AccountSpec> = (0..touch as u128)
                    .map(|k| account((offset + k * stride) % accounts))
                    .collect();
                let base = u128::from(next.fetch_add(batch as u64, Ordering::Relaxed));
                let posting: Vec<Transfer> = (0..batch as u128)
                    .map(|i| {
                        let from = rng.below(touch as u128);
                        let to = (from + 1 + rng.below(touch as u128 - 1)) % touch as u128;
                        Transfer::posted(
                            TransferId::from_u128(1 << 64 | (base + i)),
                            specs[from as usize].id,
                            specs[to as usize].id,
                            Money::idr(1 + rng.below(1_000_000) as u64),
                        )
                    })
                    .collect();
                let ids: Vec<TransferId> = posting.iter().map(|t| t.id).collect();
                let t = Instant::now();
                let mut tx = store.begin().await.unwrap();
                let mut ws = tx.ledger(&specs, &ids).await.unwrap();
                let before = ws.clone();
                for spec in &specs {
                    if ws.account(spec.id).is_none() {
                        ws.open(*spec).unwrap();
                    }
                }
                ws.apply(&posting).unwrap();
                tx.put_ledger(&diff(&before, &ws)).await.unwrap();
                match tx.commit().await {
                    Ok(()) => {
                        transfers += posting.len() as u64;
                        latencies.push(t.elapsed());
                    }
                    // Two clients opened the same new account: retry with another batch.
                    Err(e) if e.is_retryable() => {}
                    Err(e) => panic!("{e}"),
                }
            }
            (transfers, latencies)
        }));
    }
    let mut total = 0;
    let mut latencies = Vec::new();
    for task in tasks {
        let (n, l) = task.await.unwrap();
        total += n;
        latencies.extend(l);
    }
    let elapsed = started.elapsed();
    let (accounts, records) = store.ledger_dump().await.unwrap();
    assert_eq!(
        records.len() as u64,
        total,
        "every committed transfer is stored"
    );
    Ledger::restore(accounts, records).expect("the ledger verifies");
    report(
        "ledger",
        &format!(
            "clients={} batch={} touch={} accounts={} transactions={}",
            args.clients,
            args.batch,
            args.touch,
            args.accounts,
            latencies.len()
        ),
        total,
        elapsed,
        latencies,
    );
}

/// What changed between a working set and the same set after a posting.
fn diff(before: &Ledger, after: &Ledger) -> LedgerDiff {
    let mut diff = LedgerDiff::default();
    for account in after.accounts() {
        if before.account(account.id()) != Some(account) {
            diff.accounts.push(*account);
        }
    }
    for record in after.transfers() {
        match before.transfer(record.id()) {
            None => diff.inserted.push(*record),
            Some(old) if old != record => diff.updated.push(*record),
            Some(_) => {}
        }
    }
    diff
}
