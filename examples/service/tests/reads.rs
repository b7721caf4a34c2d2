//! The reads apps and the warehouse need, over HTTP: a session with what an app
//! previews offline from (ladder, bot policy, configuration, availability per
//! variant), the session list in pages, a product's stock and the purchase orders.
//! On PostgreSQL when `DATABASE_URL` is set (see `common`).
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use common::{Harness, CALLBACK_TOKEN};
use patungan_core::session::{SessionConfig, SessionGrosir};
use patungan_core::{
    BotPolicy, GrosirConfig, Money, Moq, ParticipantId, ProductId, SessionId, TierLadder, UserId,
    VariantBundle, VariantId,
};
use patungan_service::auth::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The session with a grosir bundle (product [`SHIRT`]).
const SA: SessionId = SessionId::from_u128(0xA1);
/// Two sessions of another product, without a bundle.
const SB: SessionId = SessionId::from_u128(0xB2);
const SC: SessionId = SessionId::from_u128(0xC3);
const SHIRT: ProductId = ProductId::from_u128(0x5417);
const MUG: ProductId = ProductId::from_u128(0x306);
const S: VariantId = VariantId::from_u128(0x51);
const M: VariantId = VariantId::from_u128(0x3E);
const BUYER: UserId = UserId::from_u128(7);
const WAREHOUSE: UserId = UserId::from_u128(0x3A);

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap()
}

fn idr(amount: u64) -> Value {
    json!({"amount": amount.to_string(), "currency": "IDR"})
}

fn config(product: ProductId, moq: u64) -> SessionConfig {
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
    let mut config = SessionConfig::new(
        product,
        Moq::new(moq).unwrap(),
        ladder,
        at(0, 0),
        at(12, 0),
        Money::idr(100_000),
    );
    config.bot = BotPolicy::disabled();
    config.invoice_ttl_seconds = 12 * 60 * 60;
    config
}

/// MOQ 4; S and M two to a bundle, each with a tolerance of 4 units.
fn shirt_config() -> SessionConfig {
    let mut c = config(SHIRT, 4);
    c.grosir = Some(SessionGrosir {
        bundle: GrosirConfig::new(vec![
            VariantBundle::new(S, 2, 4),
            VariantBundle::new(M, 2, 4),
        ])
        .unwrap(),
        factory_unit_cost: Money::idr(50_000),
    });
    c
}

fn ids(page: &Value) -> Vec<String> {
    page["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

fn available(view: &Value, variant: VariantId) -> u64 {
    let line = view["availability"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["variant"] == json!(variant))
        .unwrap_or_else(|| panic!("no availability of {variant}: {view}"));
    line["available"].as_u64().unwrap()
}

async fn ok(h: &Harness, token: &str, path: &str) -> Value {
    let (code, body) = h.get_as(token, path).await;
    assert_eq!(code, StatusCode::OK, "{path}: {body}");
    body
}

async fn create_sessions(h: &Harness) {
    for (id, config) in [
        (SA, shirt_config()),
        (SC, config(MUG, 10)),
        (SB, config(MUG, 10)),
    ] {
        let (code, answer) = h
            .post("/admin/sessions", &json!({"id": id, "config": config}))
            .await;
        assert_eq!(code, StatusCode::CREATED, "{answer}");
    }
}

/// `GET /sessions/{id}` keeps its fields and adds what an offline preview needs.
async fn session_view_for_offline_previews(h: &Harness, shopper: &str) {
    let view = ok(h, shopper, &format!("/sessions/{SA}")).await;
    assert_eq!(view["status"], "open", "{view}");
    assert_eq!(view["moq"], 4);
    assert_eq!(view["group_price"], idr(200_000));
    assert_eq!(view["preview"]["filled_quantity"], 0, "{view}");
    assert_eq!(view["fill_quantity"], 0);
    assert_eq!(view["ladder"]["group_price"], idr(200_000));
    assert_eq!(view["ladder"]["rungs"].as_array().unwrap().len(), 4);
    assert_eq!(view["ladder"]["rungs"][3]["unit_price"], idr(105_000));
    assert_eq!(view["bot"]["enabled"], false, "{view}");
    assert_eq!(view["config"], json!(shirt_config()));
    // Each variant may take the bundles the other's tolerance allows: 2 × 2.
    assert_eq!(view["availability"].as_array().unwrap().len(), 2);
    assert_eq!((available(&view, S), available(&view, M)), (4, 4));
    let plain = ok(h, shopper, &format!("/sessions/{SB}")).await;
    assert_eq!(plain["availability"], json!([]), "no bundle, no limit");
}

/// Pages by id, `next` exactly when more follow, filters by status and product.
async fn session_list(h: &Harness, shopper: &str) {
    let all = ok(h, shopper, "/sessions").await;
    let (a, b, c) = (SA.to_string(), SB.to_string(), SC.to_string());
    assert_eq!(ids(&all), [a.as_str(), &b, &c], "{all}");
    assert_eq!(all["next"], Value::Null);
    assert_eq!(all["sessions"][0]["product"], json!(SHIRT));
    assert_eq!(all["sessions"][0]["status"], "open");
    let first = ok(h, shopper, "/sessions?limit=2").await;
    assert_eq!(ids(&first), [a.as_str(), &b]);
    assert_eq!(first["next"], json!(b));
    let rest = ok(h, shopper, &format!("/sessions?limit=2&after={b}")).await;
    assert_eq!((ids(&rest), &rest["next"]), (vec![c.clone()], &Value::Null));
    let mugs = ok(h, shopper, &format!("/sessions?product={MUG}&limit=1")).await;
    assert_eq!((ids(&mugs), &mugs["next"]), (vec![b.clone()], &json!(b)));
    let open = ok(h, shopper, "/sessions?status=open").await;
    assert_eq!(ids(&open).len(), 3);
    let none = ok(h, shopper, "/sessions?status=confirmed").await;
    assert!(ids(&none).is_empty(), "{none}");
    for bad in [
        "/sessions?status=opened",
        "/sessions?limit=0",
        "/sessions?limit=ten",
        "/sessions?after=nope",
        "/sessions?sort=id",
    ] {
        let (code, body) = h.get_as(shopper, bad).await;
        assert_eq!(code, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let (code, _) = h.send(h.http.get(format!("{}/sessions", h.base))).await;
    assert_eq!(code, StatusCode::UNAUTHORIZED);
}

/// The buyer joins SA with 4 S and pays; S is then locked, M may take 8.
async fn join_and_pay(h: &Harness, shopper: &str) {
    let body = json!({
        "participant": ParticipantId::from_u128(0x70),
        "user": BUYER,
        "variant": S,
        "quantity": 4,
        "expected_unit_price": idr(200_000),
        "courier_price": idr(15_000),
    });
    let (code, joined) = h
        .post_as(shopper, &format!("/sessions/{SA}/join"), &body)
        .await;
    assert_eq!(code, StatusCode::CREATED, "{joined}");
    let view = ok(h, shopper, &format!("/sessions/{SA}")).await;
    assert_eq!((available(&view, S), available(&view, M)), (0, 8), "{view}");
    let payment = joined["payment"].as_str().unwrap();
    h.clock.set(at(1, 0));
    let paid = h.xendit.pay(payment);
    let (code, answer) = h
        .callback("/webhooks/xendit/invoice", &paid, Some(CALLBACK_TOKEN))
        .await;
    assert_eq!(code, StatusCode::OK, "{answer}");
    let view = ok(h, shopper, &format!("/sessions/{SA}")).await;
    assert_eq!(view["fill_quantity"], 4, "{view}");
}

fn units(levels: &Value) -> Vec<(Value, u64)> {
    levels
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["variant"].clone(), l["units"].as_u64().unwrap()))
        .collect()
}

fn stock_line(stock: &Value, variant: VariantId) -> Value {
    stock["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["variant"] == json!(variant))
        .cloned()
        .unwrap_or_else(|| panic!("no line of {variant}: {stock}"))
}

/// The purchase order of SA through two receipts, and the stock they make.
async fn purchase_orders_and_stock(h: &Harness, warehouse: &str) {
    let open = ok(h, warehouse, "/warehouse/purchase-orders?status=open").await;
    assert_eq!(open.as_array().unwrap().len(), 1, "{open}");
    assert_eq!(open[0]["session"], json!(SA));
    assert_eq!(open[0]["status"], "issued");
    let order = ok(h, warehouse, &format!("/warehouse/purchase-orders/{SA}")).await;
    assert_eq!(order, open[0]);
    assert_eq!(order["received"], json!([]));
    assert_eq!(units(&order["outstanding"]), [(json!(S), 4), (json!(M), 4)]);
    assert_eq!(order["purchase_order"]["total_units"], 8, "{order}");
    let empty = ok(h, warehouse, &format!("/warehouse/stock/{SHIRT}")).await;
    assert_eq!(empty, json!({"product": SHIRT, "lines": []}));

    let receipt = json!({"lines": [{"variant": S, "units": 4}]});
    let (code, answer) = h
        .post_as(
            warehouse,
            &format!("/warehouse/sessions/{SA}/receipts"),
            &receipt,
        )
        .await;
    assert_eq!((code, &answer["complete"]), (StatusCode::OK, &json!(false)));
    let order = ok(h, warehouse, &format!("/warehouse/purchase-orders/{SA}")).await;
    assert_eq!(order["status"], "received");
    assert_eq!(units(&order["received"]), [(json!(S), 4)]);
    assert_eq!(units(&order["outstanding"]), [(json!(M), 4)]);
    let stock = ok(h, warehouse, &format!("/warehouse/stock/{SHIRT}")).await;
    assert_eq!(stock_line(&stock, S)["on_hand"], 4, "{stock}");

    let receipt = json!({"lines": [{"variant": M, "units": 4}]});
    let (code, answer) = h
        .post_as(
            warehouse,
            &format!("/warehouse/sessions/{SA}/receipts"),
            &receipt,
        )
        .await;
    assert_eq!((code, &answer["complete"]), (StatusCode::OK, &json!(true)));
    let open = ok(h, warehouse, "/warehouse/purchase-orders?status=open").await;
    assert_eq!(open, json!([]));
    let closed = ok(h, warehouse, "/warehouse/purchase-orders?status=closed").await;
    assert_eq!(closed.as_array().unwrap().len(), 1, "{closed}");
    assert_eq!(
        units(&closed[0]["received"]),
        [(json!(S), 4), (json!(M), 4)]
    );
    assert_eq!(closed[0]["outstanding"], json!([]));
    let all = ok(h, warehouse, "/warehouse/purchase-orders").await;
    assert_eq!(all, closed);

    // The buyer's order holds its 4 S; the M are free.
    let stock = ok(h, warehouse, &format!("/warehouse/stock/{SHIRT}")).await;
    let s = stock_line(&stock, S);
    assert_eq!(
        (&s["on_hand"], &s["reserved"], &s["free"]),
        (&json!(4), &json!(4), &json!(0)),
        "{stock}"
    );
    let m = stock_line(&stock, M);
    assert_eq!(
        (&m["on_hand"], &m["pledged"], &m["free"]),
        (&json!(4), &json!(0), &json!(4)),
        "{stock}"
    );
}

/// The goods of SA's two receipts are paid to the factory: one payout per receipt
/// at Xendit, settled by its batch callback; the admin sees them paid, and a paid
/// payout is not sent again.
async fn factory_paid(h: &Harness) {
    h.wait_for("a factory payout per receipt at Xendit", || async {
        h.xendit.state().batches.len() == 2
    })
    .await;
    let (code, payouts) = h.get("/admin/factory-payouts").await;
    assert_eq!(code, StatusCode::OK, "{payouts}");
    let payouts = payouts.as_array().unwrap().clone();
    assert_eq!(payouts.len(), 2, "{payouts:?}");
    for p in &payouts {
        assert_eq!(p["status"], "submitted", "{p}");
        assert_eq!(p["amount"], idr(200_000), "{p}");
        assert_eq!(p["purchase_order"], json!(SA));
    }
    let batches: Vec<_> = h.xendit.state().batches.values().cloned().collect();
    for batch in &batches {
        assert!(batch.items[0].external_id.starts_with("fpo-"), "{batch:?}");
        let body = h.xendit.batch_result(batch, &BTreeMap::new());
        let (code, answer) = h
            .callback(
                "/webhooks/xendit/batch-disbursement",
                &body,
                Some(CALLBACK_TOKEN),
            )
            .await;
        assert_eq!(code, StatusCode::OK, "{answer}");
    }
    let (_, paid) = h.get("/admin/factory-payouts").await;
    let statuses: Vec<&Value> = paid
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["status"])
        .collect();
    assert_eq!(statuses, [&json!("paid"), &json!("paid")], "{paid}");
    let id = format!("fpo-{SA}-{}", paid[0]["received_before"].as_u64().unwrap());
    let (code, body) = h
        .post(&format!("/admin/factory-payouts/{id}/retry"), &json!({}))
        .await;
    assert_eq!(code, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "factory_payout.not_failed");
}

/// What the warehouse reads refuse: another role, an unknown order, a bad filter.
async fn warehouse_refusals(h: &Harness, shopper: &str, warehouse: &str) {
    let (code, _) = h.get_as(shopper, "/warehouse/purchase-orders").await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    let (code, _) = h
        .get_as(shopper, &format!("/warehouse/stock/{SHIRT}"))
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    let (code, body) = h
        .get_as(warehouse, &format!("/warehouse/purchase-orders/{SB}"))
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["code"], "purchase_order.unknown");
    let (code, _) = h
        .get_as(warehouse, "/warehouse/purchase-orders?status=lost")
        .await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    let (code, _) = h.get_as(warehouse, "/warehouse/stock/not-a-product").await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apps_and_the_warehouse_read_sessions_stock_and_purchase_orders() {
    let h = Harness::start("reads", at(0, 30)).await;
    let shopper = h.shopper(BUYER);
    let warehouse = common::token(WAREHOUSE, Role::Warehouse);
    create_sessions(&h).await;
    session_view_for_offline_previews(&h, &shopper).await;
    session_list(&h, &shopper).await;
    join_and_pay(&h, &shopper).await;

    h.clock.set(at(12, 0));
    h.wait_for("SA awaiting stock", || async {
        let (_, view) = h.get_as(&shopper, &format!("/sessions/{SA}")).await;
        view["status"] == "awaiting_stock"
    })
    .await;
    let waiting = ok(&h, &shopper, "/sessions?status=awaiting_stock").await;
    assert_eq!(ids(&waiting), [SA.to_string()]);

    purchase_orders_and_stock(&h, &warehouse).await;
    factory_paid(&h).await;
    warehouse_refusals(&h, &shopper, &warehouse).await;
    h.stop().await;
}
