//! Schema migrations move existing data: a database whose invoices, refund attempts,
//! withdrawals, orders, purchase orders, stock and notifications were written as
//! keyed JSON records by the first schema is migrated to the typed tables, reads the
//! same rows back, still reconciles, and goes on working (a payout callback for a
//! migrated withdrawal applies).
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::TestDb;
use patungan_core::grosir::StockLevel;
use patungan_core::notices::{PayoutEvent, ProviderNotification};
use patungan_core::orders::Order;
use patungan_core::payments::Invoice;
use patungan_core::purchasing::PurchaseOrderRecord;
use patungan_core::refunds::RefundAttempt;
use patungan_core::session::{SessionGrosir, SessionStatus};
use patungan_core::stock::Stock;
use patungan_core::wallet::{BankAccount, WithdrawalRequest, WithdrawalStatus};
use patungan_core::{
    BotPolicy, GrosirConfig, Money, Moq, OrderId, PaymentId, ProductId, SessionId, UserId,
    VariantBundle, VariantId, WithdrawalId,
};
use patungan_engine::Handled;
use patungan_ports::store::NotificationRecord;
use patungan_postgres::testing::{schema_name, PgFactory};
use patungan_testing::StoreFactory;
use patungan_testing::{at, config, join, World, SESSION};
use serde_json::{json, Value};
use tokio_postgres::Client;

const TEST: &str = "migration_0002";

/// Every typed table and its key, parents before children.
const TABLES: [(&str, &str); 10] = [
    ("invoices", "payment_id"),
    ("refunds", "reference"),
    ("anomalies", "id"),
    ("withdrawals", "id"),
    ("payout_schedules", "currency"),
    ("orders", "id"),
    ("purchase_orders", "session_id"),
    ("stocks", "product_id"),
    ("stock_lines", "product_id, variant_id"),
    ("notifications", "id"),
];

const PRODUCT: ProductId = ProductId::from_u128(77);
const SIZE: VariantId = VariantId::from_u128(5);

/// Every row of the typed tables, as JSON, in key order: what must survive.
async fn typed_tables(client: &Client) -> Vec<Value> {
    let mut all = Vec::new();
    for (table, key) in TABLES {
        let sql = format!("SELECT to_jsonb(t) FROM {table} t ORDER BY {key}");
        for row in client.query(&sql, &[]).await.unwrap() {
            all.push(json!({ table: row.get::<_, Value>(0) }));
        }
    }
    all
}

/// The rows as the first release's records carry them: its orders had no status
/// of their own and were never booked, so they come back `created`, unheld.
fn as_first_release(mut rows: Vec<Value>) -> Vec<Value> {
    for row in &mut rows {
        if let Some(order) = row.get_mut("orders").and_then(Value::as_object_mut) {
            order.insert("status".into(), json!("created"));
            order.insert("hold".into(), Value::Null);
        }
    }
    rows
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
    grosir_sessions(w).await;
    id
}

/// Two sessions of a product sold in bundles, 6 units each against 4 on hand: both
/// wait for purchase orders; the first one's arrives and it confirms (orders).
async fn grosir_sessions(w: &World) {
    let mut c = config(BotPolicy::disabled());
    c.product = PRODUCT;
    c.moq = Moq::new(4).unwrap();
    c.grosir = Some(SessionGrosir {
        bundle: GrosirConfig::new(vec![VariantBundle::new(SIZE, 2, 10)]).unwrap(),
        factory_unit_cost: Money::idr(40_000),
    });
    w.engine
        .add_stock(PRODUCT, &[StockLevel::new(SIZE, 4)])
        .await
        .unwrap();
    for n in [11u128, 12] {
        let session = SessionId::from_u128(n);
        w.engine
            .create_session(session, c.clone(), at(0, 0))
            .await
            .unwrap();
        let mut request = join(n, 6);
        request.variant = Some(SIZE);
        w.engine.join(session, &request, at(1, 0)).await.unwrap();
    }
    w.engine.run_effects(at(1, 0)).await.unwrap();
    w.pay_all(at(1, 10)).await;
    w.engine.tick(at(12, 0)).await.unwrap();
    let first = SessionId::from_u128(11);
    w.engine.stock_received(first, at(13, 0)).await.unwrap();
    let status = w.engine.session(first).await.unwrap().session.status();
    assert_eq!(status, SessionStatus::Confirmed);
}

/// Uuids in the first column of `sql`.
async fn ids(client: &Client, sql: &str) -> Vec<uuid::Uuid> {
    let rows = client.query(sql, &[]).await.unwrap();
    rows.iter().map(|r| r.get(0)).collect()
}

/// A product's stock as the first release kept it: counters named
/// "onhand:<variant>", "reserved:<variant>", "pledged:<variant>".
fn stock_counters(stock: &Stock) -> Value {
    let mut counters = serde_json::Map::new();
    for line in stock.lines() {
        let variant = line.variant.map_or_else(String::new, |v| v.to_string());
        for (name, units) in [
            ("onhand", line.on_hand),
            ("reserved", line.reserved),
            ("pledged", line.pledged),
        ] {
            counters.insert(format!("{name}:{variant}"), json!(units));
        }
    }
    Value::Object(counters)
}

/// The fulfilment records in the first release's shapes (orders with `order` and
/// `shipment`, stock as counters) or the core's serde form (purchase orders,
/// notifications).
async fn fulfilment_records(w: &World, client: &Client) -> Vec<(&'static str, String, Value)> {
    let mut records = Vec::new();
    for id in ids(client, "SELECT id FROM orders").await {
        let order: Order = w.store.read(OrderId::from_uuid(id)).await.unwrap().unwrap();
        let body = json!({
            "order": order.id(),
            "session": order.session(),
            "request": order.request(),
            "shipment": null,
        });
        records.push(("order", order.participant().to_string(), body));
    }
    for id in ids(client, "SELECT session_id FROM purchase_orders").await {
        let session = SessionId::from_uuid(id);
        let record: PurchaseOrderRecord = w.store.read(session).await.unwrap().unwrap();
        records.push(("purchase_order", session.to_string(), json!(record)));
    }
    for id in ids(client, "SELECT product_id FROM stocks").await {
        let product = ProductId::from_uuid(id);
        let stock: Stock = w.store.read(product).await.unwrap().unwrap();
        records.push(("stock", product.to_string(), stock_counters(&stock)));
    }
    for id in ids(client, "SELECT id FROM notifications").await {
        let n: NotificationRecord = w.store.read(id).await.unwrap().unwrap();
        records.push(("notification", id.to_string(), json!(n.notification)));
    }
    records
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
    records.extend(fulfilment_records(w, client).await);

    let tables: Vec<&str> = TABLES.iter().map(|(t, _)| *t).collect();
    client
        .batch_execute(&format!(
            "DROP TABLE {}; DELETE FROM patungan_migrations WHERE version IN (2, 3, 6); \
             CREATE TABLE records (kind text NOT NULL, key text NOT NULL, \
                 body jsonb NOT NULL, PRIMARY KEY (kind, key))",
            tables.join(", ")
        ))
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
    for (table, rows) in [
        ("invoices", 4),
        ("orders", 1),
        ("purchase_orders", 2),
        ("stock_lines", 1),
    ] {
        let found = before.iter().filter(|r| r.get(table).is_some()).count();
        assert_eq!(found, rows, "{table}");
    }
    assert!(before.iter().any(|r| r.get("notifications").is_some()));

    downgrade(&w, &client).await;
    // A new process opens the database and migrates it.
    w.restart().await;
    assert_eq!(typed_tables(&client).await, as_first_release(before));
    let gone = "SELECT count(*) FROM information_schema.tables \
        WHERE table_schema = current_schema() AND table_name = 'records'";
    assert_eq!(db.count(gone).await, 0);
    let report = w.engine.reconcile(at(23, 59)).await.unwrap();
    assert!(report.is_clean(), "{report}");

    // The migrated withdrawal settles.
    let payout = w.disburser.payouts().remove(0);
    let note = w
        .disburser
        .resolve(&payout.item.external_id, PayoutEvent::Completed, None)
        .unwrap();
    assert_eq!(
        w.engine
            .handle_notification(&ProviderNotification::Payout(note), at(4, 0))
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
