//! `patungan-load`: a bounded HTTP load generator for the reference service
//! (`patungan-service`). It talks to service replicas on 127.0.0.1 only and runs for
//! a fixed time.
//!
//! ```text
//! patungan-load --url http://127.0.0.1:18081 [--url http://127.0.0.1:18082 ...]
//!               [--clients 64] [--seconds 20] [--scenario hot|spread] [--sessions 1000]
//!               [--secret S --issuer I --audience A] [--wait-ready SECONDS]
//! ```
//!
//! As the admin it creates the sessions (one for `hot`, `--sessions` for `spread`;
//! MOQ 10 M, open two days, no bot, so no join is refused for capacity); then
//! `--clients` clients, spread round-robin over the replicas, each with one
//! keep-alive connection, join one unit each as a fresh shopper (a new `sub`, so the
//! per-user rate limit and the one-pending-join-per-user rule never bite) until the
//! time is up. Tokens are HS256 JWTs signed with the service's secret.
//!
//! It prints one `load key=value …` line (requests, successful joins, refusals,
//! failures, joins/s, p50/p99/max latency of the successful joins), the responses by
//! status, and for `hot` the participant count the service reports for the session.
//! It exits 1 when no join succeeded or a server error or transport error occurred.

use std::process::ExitCode;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::Client;

mod api;
mod args;
mod auth;
mod client;
mod report;

use args::{Args, Scenario};
use auth::Minter;
use client::{Shared, Tally, ADMIN, PRODUCT, SESSION};
use report::Summary;

/// How long one request may take before it counts as a transport error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Sessions created at once by the setup.
const SETUP_CONCURRENCY: usize = 16;

#[tokio::main]
async fn main() -> ExitCode {
    let args = match args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(error) => {
            eprintln!("patungan-load: {error}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    match run(&args).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("patungan-load: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Sets up, runs and reports; `Ok(false)` when the run measured nothing sound.
async fn run(args: &Args) -> Result<bool, String> {
    let shared = Arc::new(shared(args));
    let setup = http_client()?;
    api::wait_ready(&setup, &args.urls, args.wait_ready).await?;
    let admin = shared.minter.token(shared.id(ADMIN, 0), "admin")?;
    create_sessions(&setup, args, &shared, &admin).await?;
    let clients = (0..args.clients)
        .map(|_| http_client())
        .collect::<Result<Vec<_>, _>>()?;
    let started = Instant::now();
    let mut tally = drive(args, &shared, clients, started + args.duration).await;
    let elapsed = started.elapsed();
    let summary = Summary::new(&mut tally, elapsed);
    print_summary(args, &summary, &tally, elapsed);
    if args.scenario == Scenario::Hot {
        check_hot_session(&setup, args, &shared, &admin, summary.joined).await;
    }
    Ok(summary.joined > 0 && summary.failed == 0)
}

/// The shared state: the token minter, the session ids and this run's id prefix.
fn shared(args: &Args) -> Shared {
    let run = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    let sessions = match args.scenario {
        Scenario::Hot => 1,
        Scenario::Spread => args.sessions,
    };
    let mut shared = Shared {
        minter: Minter::new(
            &args.secret,
            &args.issuer,
            &args.audience,
            args.duration + args.wait_ready + Duration::from_secs(3600),
        ),
        sessions: Vec::new(),
        next: AtomicU64::new(0),
        run,
    };
    shared.sessions = (0..sessions as u64)
        .map(|k| shared.id(SESSION, k))
        .collect();
    shared
}

/// An HTTP client of its own (its own keep-alive connection).
fn http_client() -> Result<Client, String> {
    Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .pool_max_idle_per_host(1)
        .build()
        .map_err(|e| format!("cannot build an HTTP client: {e}"))
}

/// Creates the run's sessions on the first replica, [`SETUP_CONCURRENCY`] at a time.
async fn create_sessions(
    http: &Client,
    args: &Args,
    shared: &Shared,
    admin: &str,
) -> Result<(), String> {
    let base = args.urls.first().ok_or("no service URL")?;
    let product = shared.id(PRODUCT, 0);
    let started = Instant::now();
    let mut workers = Vec::with_capacity(SETUP_CONCURRENCY);
    for first in 0..SETUP_CONCURRENCY {
        let ids: Vec<_> = shared
            .sessions
            .iter()
            .skip(first)
            .step_by(SETUP_CONCURRENCY)
            .copied()
            .collect();
        let (http, base, admin) = (http.clone(), base.clone(), admin.to_owned());
        workers.push(tokio::spawn(async move {
            for id in ids {
                api::create_session(&http, &base, &admin, &api::session_body(id, product)).await?;
            }
            Ok::<(), String>(())
        }));
    }
    for worker in workers {
        worker
            .await
            .map_err(|e| format!("session setup failed: {e}"))??;
    }
    println!(
        "created {} session(s) in {:.1} s",
        shared.sessions.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Spawns the clients, round-robin over the replicas, and merges their tallies.
async fn drive(
    args: &Args,
    shared: &Arc<Shared>,
    clients: Vec<Client>,
    deadline: Instant,
) -> Tally {
    let mut tasks = Vec::with_capacity(clients.len());
    for (http, base) in clients.into_iter().zip(args.urls.iter().cycle()) {
        let task = client::run(Arc::clone(shared), http, base.clone(), deadline);
        tasks.push(tokio::spawn(task));
    }
    let mut tally = Tally::default();
    for task in tasks {
        match task.await {
            Ok(one) => tally.merge(one),
            Err(error) => eprintln!("a client task failed: {error}"),
        }
    }
    tally
}

fn print_summary(args: &Args, s: &Summary, tally: &Tally, elapsed: Duration) {
    println!(
        "load scenario={} replicas={} clients={} sessions={} seconds={:.1} requests={} \
         joined={} refused={} failed={} rate={:.1} p50_ms={:.2} p99_ms={:.2} max_ms={:.2}",
        args.scenario.name(),
        args.urls.len(),
        args.clients,
        match args.scenario {
            Scenario::Hot => 1,
            Scenario::Spread => args.sessions,
        },
        elapsed.as_secs_f64(),
        s.requests,
        s.joined,
        s.refused,
        s.failed,
        s.rate,
        s.p50_ms,
        s.p99_ms,
        s.max_ms,
    );
    println!("responses by status: {}", report::statuses(tally));
    println!(
        "transport errors: {}; 2xx without a receipt: {}; joins answered before their invoice URL: {}",
        tally.transport_errors, tally.bad_bodies, tally.without_invoice_url
    );
}

/// Compares the hot session's participant count with the joins that succeeded.
async fn check_hot_session(http: &Client, args: &Args, shared: &Shared, admin: &str, joined: u64) {
    let (Some(base), Some(session)) = (args.urls.first(), shared.sessions.first()) else {
        return;
    };
    match api::participants(http, base, admin, *session).await {
        Ok(count) => println!(
            "session {session}: {count} participants (successful joins: {joined}){}",
            if count == joined { "" } else { " MISMATCH" }
        ),
        Err(error) => eprintln!("could not read the session back: {error}"),
    }
}
