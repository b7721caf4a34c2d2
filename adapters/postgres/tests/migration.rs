//! Schema migrations move existing data: a database whose invoices, refund attempts
//! and withdrawals were written as keyed JSON records by the first schema is migrated
//! to the typed tables, reads the same rows back, still reconciles, and goes on
//! working (a payout callback for a migrated withdrawal applies).
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::TestDb;
use patungan_core::payments::Invoice;
use patungan_core::refunds::RefundAttempt;
use patungan_core::session::SessionStatus;
use patungan_core::wallet::{BankAccount, WithdrawalRequest, WithdrawalStatus};
use patungan_core::{BotPolicy, Money, PaymentId, UserId, WithdrawalId};
use patungan_engine::notification::{Notification, PayoutOutcome};
use patungan_engine::testing::StoreFactory;
use patungan_engine::testing::{at, World, SESSION};
use patungan_engine::Handled;
use patungan_postgres::testing::{schema_name, PgFactory};
use serde_json::{json, Value};
use tokio_postgres::Client;

const TEST: &str = "migration_0002";

/// Every row of the typed tables, as JSON, in key order: what must survive.
async fn typed_tables(client: &Client) -> Vec<Value> {
    let mut all = Vec::new();
    for (table, key) in [
        ("invoices", "payment_id"),
        ("refunds", "reference"),
        ("anomalies", "id"),
        ("withdrawals", "id"),
        ("payout_schedules", "currency"),
    ] {
        let sql = format!("SELECT to_jsonb(t) FROM {table} t ORDER BY {key}");
        for row in client.query(&sql, &[]).await.unwrap() {
            all.push(json!({ table: row.get::<_, Value>(0) }));
        }
    }
    all
}

/// A failed session (two refunds) and a withdrawal in a submitted batch.
async fn written(w: &World) -> WithdrawalId {
    w.open_session(BotPolicy::disabled()).await;
    w.join(1, 10).await;
    w.join(2, 5).await;
    w.engine.run_effects(at(1, 0)).await.unwrap();
    w.pay_all(at(1, 10)).await;
    w.engine.tick(at(12, 0)).await.unwrap();
    assert_eq!(
        w.engine.session(SESSION).await.unwrap().session.status(),
        SessionStatus::Failed
    );
    w.engine.run_effects(at(12, 0)).await.unwrap();
    assert_eq!(w.settle_refunds(at(12, 30)).await, 2);

    let user = UserId::from_u128(9);
    let id = WithdrawalId::from_u128(5);
    w.engine
        .deposit(user, Money::idr(500_000), uuid::Uuid::from_u128(1))
        .await
        .unwrap();
    let request = WithdrawalRequest {
        id,
        user,
        amount: Money::idr(200_000),
        destination: BankAccount {
            bank_code: "BCA".into(),
            account_number: "1234567890".into(),
            holder_name: "Siti Aminah".into(),
        },
        requested_at: at(1, 0),
    };
    w.engine.request_withdrawal(request).await.unwrap();
    assert_eq!(w.engine.tick(at(3, 0)).await.unwrap().payout_batches, 1);
    w.engine.run_effects(at(3, 0)).await.unwrap();
    id
}

/// Writes the data back the way the first schema kept it (the core types' serde form
/// as keyed JSON records; all withdrawals of a currency as one book) and removes the
/// typed tables, as if migration 2 had never run.
async fn downgrade(w: &World, client: &Client) {
    let mut records: Vec<(&str, String, Value)> = Vec::new();
    for row in client
        .query("SELECT payment_id FROM invoices", &[])
        .await
        .unwrap()
    {
        let payment = PaymentId::from_uuid(row.get(0));
        let invoice: Invoice = w.store.read(payment).await.unwrap().unwrap();
        records.push(("invoice", payment.to_string(), json!(invoice)));
    }
    for row in client
        .query("SELECT reference FROM refunds", &[])
        .await
        .unwrap()
    {
        let reference: String = row.get(0);
        let refund: RefundAttempt = w.store.read(reference.clone()).await.unwrap().unwrap();
        records.push(("refund", reference, json!(refund)));
    }
    let book = w.engine.withdrawals().await.unwrap();
    records.push(("withdrawals", "IDR".into(), json!(book)));

    client
        .batch_execute(
            "DROP TABLE invoices, refunds, anomalies, withdrawals, payout_schedules; \
             DELETE FROM patungan_migrations WHERE version = 2",
        )
        .await
        .unwrap();
    for (kind, key, body) in records {
        client
            .execute(
                "INSERT INTO records (kind, key, body) VALUES ($1, $2, $3)",
                &[&kind, &key, &body],
            )
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_of_the_first_schema_move_into_typed_tables_and_still_reconcile() {
    let Some(db) = TestDb::new(TEST).await else {
        return;
    };
    let fixture = PgFactory::new(db.url.clone()).fresh(TEST).await.unwrap();
    assert_eq!(db.schema, schema_name(TEST));
    let mut w = World::new(fixture.clone()).await;
    let withdrawal = written(&w).await;
    let client = db.client().await;
    let before = typed_tables(&client).await;
    assert_eq!(
        before.iter().filter(|r| r.get("refunds").is_some()).count(),
        2
    );
    assert_eq!(
        before
            .iter()
            .filter(|r| r.get("invoices").is_some())
            .count(),
        2
    );

    downgrade(&w, &client).await;
    // A new process opens the database and migrates it.
    w.restart().await;
    assert_eq!(typed_tables(&client).await, before);
    let moved = "SELECT count(*) FROM records \
        WHERE kind IN ('invoice', 'refund', 'anomaly', 'withdrawals')";
    assert_eq!(db.count(moved).await, 0);
    let report = w.engine.reconcile(at(23, 59)).await.unwrap();
    assert!(report.is_clean(), "{report}");

    // The migrated withdrawal settles.
    let payout = w.disburser.payouts().remove(0);
    let note = w
        .disburser
        .resolve(&payout.item.external_id, PayoutOutcome::Completed, None)
        .unwrap();
    assert_eq!(
        w.engine
            .handle_notification(&Notification::Payout(note), at(4, 0))
            .await
            .unwrap(),
        Handled::Applied
    );
    assert_eq!(
        w.engine.withdrawal(withdrawal).await.unwrap().status(),
        WithdrawalStatus::Completed
    );
    assert!(w.engine.reconcile(at(23, 59)).await.unwrap().is_clean());
    drop(w);
    fixture.cleanup().await;
}
