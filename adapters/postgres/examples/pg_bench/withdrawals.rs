//! `withdrawals`: the cost of one withdrawal request next to `existing` withdrawals
//! already in the table (one row each). The existing rows are written in bulk by SQL
//! (completed withdrawals of 1 000 users); then `requests` new users each get a
//! deposit (not timed) and ask for a withdrawal (timed), one after the other, each a
//! whole engine operation committed to PostgreSQL.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use patungan_core::wallet::{BankAccount, WithdrawalRequest};
use patungan_core::{Money, UserId, WithdrawalId};
use patungan_engine::{Engine, EngineConfig, Ports};
use patungan_memory::{MemoryDisburser, MemoryGateway, MemoryShipping};

use super::{fresh_store, report, Args, SCHEMA};

const EXISTING: &str = "INSERT INTO withdrawals (id, user_id, amount, currency, bank_code, \
    account_number, holder_name, requested_at, fee, net, status, failure_code, \
    attempt_batches, attempt_outcomes, attempt_failure_codes) \
    SELECT md5('withdrawal ' || i)::uuid, md5('user ' || (i % 1000))::uuid, 100000, 'IDR', \
        'BCA', '1234567890', 'Siti Aminah', now() - interval '30 days', 2500, 97500, \
        'completed', NULL, '{}', '{}', '{}' \
    FROM generate_series(1, $1::bigint) AS i";

/// Writes `existing` withdrawals, then times `requests` requests.
pub(crate) async fn withdrawals(url: &str, args: &Args) {
    let store = fresh_store(url, 4).await;
    let mut config: tokio_postgres::Config = url.parse().expect("DATABASE_URL");
    config.options(format!("-c search_path={SCHEMA}"));
    let (client, connection) = config.connect(tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let existing = i64::try_from(args.existing).unwrap();
    client.execute(EXISTING, &[&existing]).await.unwrap();
    client
        .batch_execute("VACUUM ANALYZE withdrawals")
        .await
        .unwrap();

    let ports = Ports {
        gateway: Arc::new(MemoryGateway::default()),
        disburser: Arc::new(MemoryDisburser::default()),
        shipping: Arc::new(MemoryShipping::default()),
        notifier: Arc::new(patungan_memory::MemoryNotifier::default()),
        factory: Arc::new(patungan_memory::MemoryFactory::default()),
    };
    let engine = Engine::new(Arc::new(store), ports, EngineConfig::default());
    // Tuesday 24 Nov 2026, 08:00 WIB.
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 1, 0, 0).unwrap();
    let mut latencies: Vec<Duration> = Vec::with_capacity(args.requests);
    let started = Instant::now();
    let mut timed = Duration::ZERO;
    for n in 0..args.requests as u128 {
        let user = UserId::from_u128(10_000_000 + n);
        engine
            .deposit(user, Money::idr(500_000), uuid::Uuid::from_u128(n))
            .await
            .unwrap();
        let request = WithdrawalRequest {
            id: WithdrawalId::from_u128(20_000_000 + n),
            user,
            amount: Money::idr(200_000),
            destination: BankAccount {
                bank_code: "BCA".into(),
                account_number: "1234567890".into(),
                holder_name: "Siti Aminah".into(),
            },
            requested_at: at,
        };
        let t = Instant::now();
        engine.request_withdrawal(request).await.unwrap();
        let took = t.elapsed();
        timed += took;
        latencies.push(took);
    }
    let rows: i64 = client
        .query_one("SELECT count(*) FROM withdrawals", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        rows,
        existing + args.requests as i64,
        "every request is a row"
    );
    let mean_ms = timed.as_secs_f64() * 1e3 / args.requests.max(1) as f64;
    report(
        "withdrawals",
        &format!(
            "existing={} requests={} mean_ms={mean_ms:.3}",
            args.existing, args.requests
        ),
        latencies.len() as u64,
        started.elapsed(),
        latencies,
    );
}
