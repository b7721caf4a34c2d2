//! The whole fulfilment journey over HTTP: the service on 127.0.0.1 with a fake Xendit
//! and a fake Biteship (each speaking its provider's documented wire format; the
//! service uses the real Xendit and Biteship adapters against them), a manual clock,
//! and PostgreSQL when `DATABASE_URL` is set (see `common`).
//!
//! `a_parcel_goes_from_quote_to_doorstep_and_the_cashback_to_the_bank`: quote → join
//! citing it → pay → settle → purchase order → receipt → factory paid → shipment
//! booked → Biteship webhooks to delivered (tracking fetched on demand) → courier paid
//! and the ledger clean → cashback withdrawn in the Tuesday batch → notifications read.
//!
//! `refused_bookings_wait_for_an_operator_and_a_returned_parcel_is_refunded`: a
//! shipment refused three times (`rejected`, `courier_not_found`) waits for an
//! operator, who books it again; another parcel comes back (`returned`): its units
//! are on hand again and its goods refunded to the buyer's wallet.
//!
//! Each step is printed (`cargo test ... -- --nocapture` shows them).
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
use common::fake_xendit::Batch;
use common::{Harness, CALLBACK_TOKEN};
use patungan_core::session::{SessionConfig, SessionGrosir};
use patungan_core::{
    BotPolicy, GrosirConfig, Money, Moq, ParticipantId, ProductId, QuoteId, SessionId, TierLadder,
    UserId, VariantBundle, VariantId, WithdrawalId,
};
use patungan_service::auth::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

const SHIRT: ProductId = ProductId::from_u128(0x5417);
const S: VariantId = VariantId::from_u128(0x51);
const M: VariantId = VariantId::from_u128(0x3E);
const WAREHOUSE: UserId = UserId::from_u128(0x3A);
/// The buyer's destination (Bandung); the warehouse ships from 12440.
const DESTINATION: &str = "40115";

/// 23 November 2026 is a Monday; Tuesday 24th 03:00 UTC is 10:00 WIB, a batch instant.
fn at(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, h, m, 0).unwrap()
}

fn idr(amount: u64) -> Value {
    json!({"amount": amount.to_string(), "currency": "IDR"})
}

fn amount(v: &Value) -> u64 {
    assert_eq!(v["currency"], "IDR", "{v}");
    v["amount"].as_str().unwrap().parse().unwrap()
}

/// Prints a step of the journey (shown with `--nocapture`, and in a failure's log).
fn step(test: &str, what: &str) {
    println!("[{test}] {what}");
    tracing::info!(test, "{what}");
}

/// MOQ 4, group price 200 000 falling to 105 000 at 100 % fill, bulk shipping
/// 100 000 (25 000 a unit), no bot; S and M two to a bundle, each with a tolerance
/// of 4 units; the factory is paid 50 000 a unit.
fn shirt_config() -> SessionConfig {
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
        SHIRT,
        Moq::new(4).unwrap(),
        ladder,
        at(23, 0, 0),
        at(23, 12, 0),
        Money::idr(100_000),
    );
    // The buyers fill the MOQ themselves: no top-up is needed.
    config.bot = BotPolicy::disabled();
    config.invoice_ttl_seconds = 12 * 60 * 60;
    config.grosir = Some(SessionGrosir {
        bundle: GrosirConfig::new(vec![
            VariantBundle::new(S, 2, 4),
            VariantBundle::new(M, 2, 4),
        ])
        .unwrap(),
        factory_unit_cost: Money::idr(50_000),
    });
    config
}

/// A buyer of the journey.
#[derive(Clone, Copy)]
struct Buyer {
    user: UserId,
    participant: ParticipantId,
    quote: QuoteId,
    variant: VariantId,
    quantity: u64,
}

impl Buyer {
    fn new(n: u128, variant: VariantId, quantity: u64) -> Buyer {
        Buyer {
            user: UserId::from_u128(n),
            participant: ParticipantId::from_u128(0x100 + n),
            quote: QuoteId::from_u128(0x200 + n),
            variant,
            quantity,
        }
    }

    fn name(&self) -> String {
        format!("Pembeli {}", self.user)
    }

    fn recipient(&self) -> Value {
        json!({
            "name": self.name(),
            "phone": "+6281234567890",
            "address": "Jl. Asia Afrika No. 8, Bandung",
        })
    }
}

async fn ok(h: &Harness, token: &str, path: &str) -> Value {
    let (code, body) = h.get_as(token, path).await;
    assert_eq!(code, StatusCode::OK, "{path}: {body}");
    body
}

async fn session_status(h: &Harness, session: SessionId) -> String {
    let body = ok(h, &h.admin, &format!("/sessions/{session}")).await;
    body["status"].as_str().unwrap().to_owned()
}

async fn create_session(h: &Harness, session: SessionId) {
    let (code, answer) = h
        .post(
            "/admin/sessions",
            &json!({"id": session, "config": shirt_config()}),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{answer}");
}

/// The buyer asks for a quote (the fake Biteship prices it) and joins citing it with
/// jne reg and a recipient; returns the join's payment id.
async fn quote_and_join(h: &Harness, t: &str, session: SessionId, b: Buyer) -> String {
    let me = h.shopper(b.user);
    let request = json!({
        "quote": b.quote,
        "user": b.user,
        "postal_code": DESTINATION,
        "variant": b.variant,
        "quantity": b.quantity,
    });
    let (code, quote) = h
        .post_as(&me, &format!("/sessions/{session}/quotes"), &request)
        .await;
    assert_eq!(code, StatusCode::OK, "{quote}");
    let offers = quote["offers"].as_array().unwrap();
    let offered: Vec<(&str, &str, u64)> = offers
        .iter()
        .map(|o| {
            (
                o["courier"].as_str().unwrap(),
                o["service"].as_str().unwrap(),
                amount(&o["price"]),
            )
        })
        .collect();
    assert_eq!(
        offered,
        [
            ("jne", "reg", 15_000),
            ("sicepat", "halu", 11_000),
            ("jnt", "ez", 13_000)
        ],
        "the fake's prices for the couriers asked: {quote}"
    );
    assert_eq!(offers[0]["duration"], "1 - 2 days");
    {
        // What Biteship was asked: from the warehouse to the buyer, the units' parcel.
        let fake = h.fake_biteship().state();
        let asked = fake.rate_requests.last().unwrap();
        assert_eq!(asked["origin_postal_code"], 12440, "{asked}");
        assert_eq!(asked["destination_postal_code"], 40115, "{asked}");
        assert_eq!(asked["couriers"], "jne,jnt,sicepat,anteraja", "{asked}");
        assert_eq!(asked["items"][0]["quantity"], b.quantity, "{asked}");
    }
    // Asking again with the same id returns the stored quote without a new call.
    let calls = h.fake_biteship().state().rate_requests.len();
    let (code, again) = h
        .post_as(&me, &format!("/sessions/{session}/quotes"), &request)
        .await;
    assert_eq!((code, &again), (StatusCode::OK, &quote));
    assert_eq!(h.fake_biteship().state().rate_requests.len(), calls);
    step(t, &format!("quote {} for {}: {offered:?}", b.quote, b.user));

    let join = json!({
        "participant": b.participant,
        "user": b.user,
        "variant": b.variant,
        "quantity": b.quantity,
        "expected_unit_price": idr(200_000),
        "quote": {
            "id": b.quote,
            "courier": "jne",
            "service": "reg",
            "recipient": b.recipient(),
        },
    });
    let (code, joined) = h
        .post_as(&me, &format!("/sessions/{session}/join"), &join)
        .await;
    assert_eq!(code, StatusCode::CREATED, "{joined}");
    // product q × 200 000 + leg 1 q × 25 000 + leg 2 (quoted) 15 000 + fee 3 % of product.
    let q = b.quantity;
    let total = q * 200_000 + q * 25_000 + 15_000 + q * 6_000;
    assert_eq!(amount(&joined["cost"]["leg2"]), 15_000, "{joined}");
    assert_eq!(amount(&joined["cost"]["total"]), total, "{joined}");
    assert_eq!(amount(&joined["invoice"]["amount"]), total, "{joined}");
    let payment = joined["payment"].as_str().unwrap().to_owned();
    assert_eq!(h.xendit.invoice(&payment).unwrap().amount, total);
    step(
        t,
        &format!(
            "{} joined with {q} units citing the quote: invoice {total}",
            b.user
        ),
    );
    payment
}

async fn pay(h: &Harness, t: &str, payment: &str) {
    let body = h.xendit.pay(payment);
    let (code, answer) = h
        .callback("/webhooks/xendit/invoice", &body, Some(CALLBACK_TOKEN))
        .await;
    assert_eq!(code, StatusCode::OK, "{answer}");
    assert_eq!(answer["result"], "applied", "{answer}");
    step(
        t,
        &format!("payment {payment} paid (Xendit invoice callback)"),
    );
}

/// The clock passes the end: the session succeeds and waits for its goods.
async fn settle(h: &Harness, t: &str, session: SessionId) {
    h.clock.set(at(23, 12, 0));
    h.wait_for("the session awaiting stock", || async {
        session_status(h, session).await == "awaiting_stock"
    })
    .await;
    step(t, "settled at the end: awaiting stock (a grosir bundle)");
}

/// The purchase order of `units` per variant, received in one receipt.
async fn receive(h: &Harness, t: &str, session: SessionId, units: &[(VariantId, u64)]) {
    let warehouse = common::token(WAREHOUSE, Role::Warehouse);
    let order = ok(
        h,
        &warehouse,
        &format!("/warehouse/purchase-orders/{session}"),
    )
    .await;
    assert_eq!(order["status"], "issued", "{order}");
    let outstanding: Vec<(Value, u64)> = order["outstanding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["variant"].clone(), l["units"].as_u64().unwrap()))
        .collect();
    let expected: Vec<(Value, u64)> = units.iter().map(|(v, n)| (json!(v), *n)).collect();
    assert_eq!(outstanding, expected, "{order}");
    step(t, &format!("purchase order issued: {outstanding:?}"));
    let lines: Vec<Value> = units
        .iter()
        .map(|(v, n)| json!({"variant": v, "units": n}))
        .collect();
    let (code, answer) = h
        .post_as(
            &warehouse,
            &format!("/warehouse/sessions/{session}/receipts"),
            &json!({"lines": lines}),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{answer}");
    assert_eq!(answer["complete"], true, "{answer}");
    h.wait_for("the session confirmed", || async {
        session_status(h, session).await == "confirmed"
    })
    .await;
    step(
        t,
        "receipt entered: purchase order complete, session confirmed",
    );
}

/// The factory payout of the receipt reaches Xendit as a batch; its callback pays it.
async fn factory_paid(h: &Harness, t: &str, goods_cost: u64) {
    h.wait_for("the factory payout batch at Xendit", || async {
        h.xendit.state().batches.len() == 1
    })
    .await;
    let (_, payouts) = h.get("/admin/factory-payouts").await;
    assert_eq!(payouts.as_array().unwrap().len(), 1, "{payouts}");
    assert_eq!(payouts[0]["status"], "submitted", "{payouts}");
    assert_eq!(payouts[0]["amount"], idr(goods_cost), "{payouts}");
    let batch: Batch = h.xendit.state().batches.values().next().cloned().unwrap();
    assert_eq!(batch.items.len(), 1);
    assert!(batch.items[0].external_id.starts_with("fpo-"), "{batch:?}");
    assert_eq!(batch.items[0].amount, goods_cost);
    assert_eq!(batch.items[0].account_name, "Demo factory");
    let body = h.xendit.batch_result(&batch, &BTreeMap::new());
    let (code, answer) = h
        .callback(
            "/webhooks/xendit/batch-disbursement",
            &body,
            Some(CALLBACK_TOKEN),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{answer}");
    let (_, payouts) = h.get("/admin/factory-payouts").await;
    assert_eq!(payouts[0]["status"], "paid", "{payouts}");
    step(
        t,
        &format!("factory paid {goods_cost} (Xendit batch callback): payout paid"),
    );
}

/// The buyer's order (one per paid participant).
async fn order_of(h: &Harness, b: Buyer) -> Value {
    let orders = ok(h, &h.shopper(b.user), &format!("/users/{}/orders", b.user)).await;
    let orders = orders.as_array().unwrap();
    assert_eq!(orders.len(), 1, "{orders:?}");
    orders[0].clone()
}

async fn order_page(h: &Harness, b: Buyer, order: &str) -> Value {
    ok(
        h,
        &h.shopper(b.user),
        &format!("/users/{}/orders/{order}", b.user),
    )
    .await
}

/// Waits until the order's standing shipment is booking `n` at the fake; returns
/// Biteship's order id of that booking.
async fn booked(h: &Harness, b: Buyer, order: &str, n: usize) -> String {
    h.wait_for("the booking at Biteship", || async {
        h.fake_biteship().orders_for(order).len() == n
    })
    .await;
    let booking = h.fake_biteship().orders_for(order)[n - 1].clone();
    h.wait_for("the shipment recorded on the order", || async {
        let page = order_page(h, b, order).await;
        page["order"]["shipping"]["shipment"]["provider_order_id"] == json!(booking.id)
    })
    .await;
    // What Biteship was asked to carry: the buyer's destination, courier and recipient.
    let r = &booking.request;
    assert_eq!(r["reference_id"], order, "{r}");
    assert_eq!(r["destination_postal_code"], 40115, "{r}");
    assert_eq!(r["destination_contact_name"], json!(b.name()), "{r}");
    assert_eq!(r["destination_contact_phone"], "+6281234567890", "{r}");
    assert_eq!(r["destination_address"], "Jl. Asia Afrika No. 8, Bandung");
    assert_eq!(
        (&r["courier_company"], &r["courier_type"]),
        (&json!("jne"), &json!("reg"))
    );
    assert_eq!(r["origin_postal_code"], 12440, "{r}");
    assert_eq!(r["items"][0]["quantity"], b.quantity, "{r}");
    booking.id
}

/// Sends a signed Biteship webhook; returns the service's `result`.
async fn webhook(h: &Harness, body: &str) -> String {
    let (code, answer) = h.biteship(body).await;
    assert_eq!(code, StatusCode::OK, "{body}: {answer}");
    answer["result"].as_str().unwrap().to_owned()
}

/// The courier moves Biteship's order to `status`: the webhook is applied and the
/// order reaches `order_status`.
async fn advance(
    h: &Harness,
    t: &str,
    b: Buyer,
    order: &str,
    shipment: &str,
    status: &str,
    order_status: &str,
) {
    let body = h.fake_biteship().advance(shipment, status);
    assert_eq!(webhook(h, &body).await, "applied", "{status}");
    // Applied once: the same webhook again changes nothing.
    assert_eq!(webhook(h, &body).await, "duplicate", "{status}");
    let page = order_page(h, b, order).await;
    assert_eq!(
        page["order"]["status"], order_status,
        "after {status}: {page}"
    );
    step(
        t,
        &format!("Biteship order.status {status}: order {order_status}"),
    );
}

fn ledger_net(report: &Value, entity: &str, kind: &str) -> i64 {
    report["report"]["ledger"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["entity"] == entity && l["kind"] == kind)
        .map(|l| l["net"].as_str().unwrap().parse::<i64>().unwrap())
        .sum()
}

async fn reconciliation(h: &Harness) -> Value {
    let (code, report) = h.get("/admin/reconciliation").await;
    assert_eq!(code, StatusCode::OK, "{report}");
    report
}

async fn wallet(h: &Harness, user: UserId) -> (u64, u64, u64) {
    let body = ok(h, &h.shopper(user), &format!("/wallets/{user}")).await;
    (
        amount(&body["posted"]),
        amount(&body["held"]),
        amount(&body["available"]),
    )
}

/// A variant's (on hand, reserved, free); a variant with nothing left has no line.
fn stock_line(stock: &Value, variant: VariantId) -> (u64, u64, u64) {
    let Some(line) = stock["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["variant"] == json!(variant))
    else {
        return (0, 0, 0);
    };
    let n = |f: &str| line[f].as_u64().unwrap();
    (n("on_hand"), n("reserved"), n("free"))
}

async fn stock(h: &Harness) -> Value {
    let warehouse = common::token(WAREHOUSE, Role::Warehouse);
    ok(h, &warehouse, &format!("/warehouse/stock/{SHIRT}")).await
}

fn no_violations(h: &Harness) {
    let xendit = h.xendit.state();
    assert!(xendit.violations.is_empty(), "{:?}", xendit.violations);
    assert_eq!(xendit.unauthenticated, 0);
    let biteship = h.fake_biteship().state();
    assert!(biteship.violations.is_empty(), "{:?}", biteship.violations);
    assert_eq!(biteship.unauthenticated, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parcel_goes_from_quote_to_doorstep_and_the_cashback_to_the_bank() {
    const T: &str = "fulfilment e2e";
    const SA: SessionId = SessionId::from_u128(0xF1);
    let h = Harness::start_with_biteship("fulfilment_journey", at(23, 0, 30)).await;
    step(T, &format!("service on the {} store", h.store));
    let (_, health) = h.get("/health").await;
    assert_eq!(health["parts"]["shipping"], "biteship", "{health}");
    let buyer = Buyer::new(7, S, 4);
    create_session(&h, SA).await;

    // Quote, join, pay.
    h.clock.set(at(23, 0, 40));
    let payment = quote_and_join(&h, T, SA, buyer).await;
    h.clock.set(at(23, 1, 0));
    pay(&h, T, &payment).await;
    // 4 paid of MOQ 4 with the bot disabled: no top-up is needed.

    // Settle: the fill reaches 100 % (105 000 a unit); the bundle's session waits
    // for its purchase order: the buyer's 4 S and the bundle's 4 M.
    settle(&h, T, SA).await;
    let cashback = 4 * (200_000 - 105_000);
    assert_eq!(
        wallet(&h, buyer.user).await,
        (0, 0, 0),
        "no cashback before confirmation"
    );
    let report = reconciliation(&h).await;
    assert_eq!(
        ledger_net(&report, "platform", "escrow"),
        939_000,
        "{report}"
    );
    assert!(
        h.fake_biteship().state().orders.is_empty(),
        "nothing is booked before the goods arrive"
    );

    // The goods arrive in one receipt: 8 units owed to the factory at 50 000.
    h.clock.set(at(23, 13, 0));
    receive(&h, T, SA, &[(S, 4), (M, 4)]).await;
    // Confirmed: the split pays the cashback, the warehouse 4 × 105 000 + leg 1
    // 100 000 and the courier payable the quoted 15 000; the receipt owes the
    // factory 8 × 50 000 (from the warehouse account and platform funding).
    assert_eq!(wallet(&h, buyer.user).await, (cashback, 0, cashback));
    let report = reconciliation(&h).await;
    assert_eq!(ledger_net(&report, "platform", "escrow"), 0, "{report}");
    assert_eq!(
        ledger_net(&report, "external", "payable"),
        415_000,
        "{report}"
    );
    assert_eq!(
        ledger_net(&report, "warehouse", "payable") + ledger_net(&report, "platform", "funding"),
        520_000 - 400_000,
        "{report}"
    );
    factory_paid(&h, T, 400_000).await;
    let report = reconciliation(&h).await;
    assert_eq!(
        ledger_net(&report, "external", "payable"),
        15_000,
        "{report}"
    );

    // Shipment booked at Biteship with the buyer's destination, courier and recipient.
    let order = order_of(&h, buyer).await;
    let order_id = order["order"]["id"].as_str().unwrap().to_owned();
    assert_eq!(order["delivery"]["offer"]["courier"], "jne", "{order}");
    assert_eq!(order["delivery"]["offer"]["price"], idr(15_000), "{order}");
    assert_eq!(order["delivery"]["destination"]["postal_code"], DESTINATION);
    let shipment = booked(&h, buyer, &order_id, 1).await;
    let page = order_page(&h, buyer, &order_id).await;
    assert_eq!(page["order"]["status"], "shipment_booked", "{page}");
    assert_eq!(page["order"]["shipping"]["shipment"]["price"], idr(15_000));
    step(T, &format!("shipment booked at Biteship: {shipment}"));
    let s = stock_line(&stock(&h).await, S);
    assert_eq!(s, (4, 4, 0), "4 S on hand, reserved for the order");

    // Biteship's webhooks carry the parcel to the door.
    h.clock.set(at(23, 14, 0));
    let confirmed = h.fake_biteship().advance(&shipment, "confirmed");
    assert_eq!(webhook(&h, &confirmed).await, "applied");
    step(T, "Biteship order.status confirmed: order shipment_booked");
    assert_eq!(
        order_page(&h, buyer, &order_id).await["order"]["status"],
        "shipment_booked"
    );
    h.clock.set(at(23, 14, 20));
    advance(
        &h,
        T,
        buyer,
        &order_id,
        &shipment,
        "allocated",
        "shipment_booked",
    )
    .await;
    let waybill = h
        .fake_biteship()
        .issue_waybill(&shipment, "0123082100003094");
    assert_eq!(webhook(&h, &waybill).await, "applied");
    let page = order_page(&h, buyer, &order_id).await;
    assert_eq!(
        page["order"]["shipping"]["shipment"]["waybill_id"], "0123082100003094",
        "{page}"
    );
    step(
        T,
        "Biteship order.waybill_id: waybill 0123082100003094 recorded",
    );
    h.clock.set(at(23, 15, 0));
    advance(
        &h,
        T,
        buyer,
        &order_id,
        &shipment,
        "picking_up",
        "shipment_booked",
    )
    .await;
    advance(
        &h,
        T,
        buyer,
        &order_id,
        &shipment,
        "picked",
        "shipment_booked",
    )
    .await;
    // Biteship reprices the shipment (the courier payable keeps the quoted 15 000).
    let price = h.fake_biteship().reprice(&shipment, 16_000);
    assert_eq!(webhook(&h, &price).await, "applied");
    assert_eq!(webhook(&h, &price).await, "duplicate");
    let page = order_page(&h, buyer, &order_id).await;
    assert_eq!(page["order"]["shipping"]["shipment"]["price"], idr(16_000));
    step(T, "Biteship order.price 16000 recorded on the shipment");
    h.clock.set(at(24, 1, 0));
    advance(
        &h,
        T,
        buyer,
        &order_id,
        &shipment,
        "dropping_off",
        "in_transit",
    )
    .await;
    h.clock.set(at(24, 7, 30));
    advance(&h, T, buyer, &order_id, &shipment, "delivered", "delivered").await;

    // The order page fetches Biteship's tracking now (by the courier's tracking id).
    let gets = h.fake_biteship().state().tracking_gets;
    let page = order_page(&h, buyer, &order_id).await;
    assert_eq!(h.fake_biteship().state().tracking_gets, gets + 1);
    let tracking = &page["tracking"];
    let tracking_id = h
        .fake_biteship()
        .state()
        .order(&shipment)
        .unwrap()
        .tracking_id
        .clone();
    assert_eq!(tracking["tracking_id"], json!(tracking_id), "{page}");
    assert_eq!(tracking["waybill_id"], "0123082100003094", "{page}");
    assert_eq!(tracking["status"], "delivered", "{page}");
    let history: Vec<&str> = tracking["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        history,
        [
            "confirmed",
            "confirmed",
            "allocated",
            "picking_up",
            "picked",
            "dropping_off",
            "delivered"
        ],
        "{page}"
    );
    assert_eq!(tracking["history"][6]["at"], json!(at(24, 7, 30)), "{page}");
    step(
        T,
        &format!("order delivered; tracking fetched from Biteship: {history:?}"),
    );
    let s = stock_line(&stock(&h).await, S);
    assert_eq!(s, (0, 0, 0), "the 4 S left with the parcel");
    assert_eq!(
        stock_line(&stock(&h).await, M),
        (4, 0, 4),
        "the bundle's 4 M stay"
    );

    // The courier is paid: escrow, suspense and both payables are empty, the ledger clean.
    let report = reconciliation(&h).await;
    assert_eq!(report["clean"], true, "{report}");
    assert_eq!(ledger_net(&report, "external", "payable"), 0, "{report}");
    assert_eq!(ledger_net(&report, "platform", "escrow"), 0, "{report}");
    assert_eq!(ledger_net(&report, "platform", "suspense"), 0, "{report}");
    for s in report["report"]["suspense"].as_array().unwrap() {
        assert_eq!(
            s["balances"]["credits_posted"], s["balances"]["debits_posted"],
            "{s}"
        );
    }
    let escrow = report["report"]["ledger"]["sessions"].as_array().unwrap();
    assert_eq!(escrow.len(), 1, "{report}");
    assert_eq!(escrow[0]["paid_in"], escrow[0]["paid_out"], "{report}");
    // Supplier payouts got the factory's 400 000 and the courier's 15 000.
    assert_eq!(
        ledger_net(&report, "external", "bank"),
        415_000,
        "supplier payouts: {report}"
    );
    step(T, "courier payable settled; reconciliation clean");

    // The cashback goes to the bank in Tuesday's batch.
    h.clock.set(at(24, 2, 0));
    let withdrawal = WithdrawalId::from_u128(0x907);
    let me = h.shopper(buyer.user);
    let (code, body) = h
        .post_as(
            &me,
            &format!("/wallets/{}/withdrawals", buyer.user),
            &json!({
                "id": withdrawal,
                "amount": idr(cashback),
                "bank_code": "BCA",
                "account_number": "1234567807",
                "holder_name": buyer.name(),
            }),
        )
        .await;
    assert_eq!(code, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["net"], idr(cashback - 2_500), "{body}");
    assert_eq!(wallet(&h, buyer.user).await, (cashback, cashback, 0));
    step(T, &format!("withdrawal of {cashback} queued"));
    h.clock.set(at(24, 3, 0));
    h.wait_for("the withdrawal batch at Xendit", || async {
        h.xendit.state().batches.len() == 2
    })
    .await;
    let batch = h
        .xendit
        .state()
        .batches
        .values()
        .find(|b| !b.items[0].external_id.starts_with("fpo-"))
        .cloned()
        .unwrap();
    assert_eq!(batch.items.len(), 1);
    assert_eq!(batch.items[0].amount, cashback - 2_500);
    assert_eq!(batch.items[0].account_number, "1234567807");
    h.clock.set(at(24, 3, 10));
    let body = h.xendit.batch_result(&batch, &BTreeMap::new());
    let (code, answer) = h
        .callback(
            "/webhooks/xendit/batch-disbursement",
            &body,
            Some(CALLBACK_TOKEN),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{answer}");
    let w = ok(&h, &me, &format!("/withdrawals/{withdrawal}")).await;
    assert_eq!(w["status"], "completed", "{w}");
    assert_eq!(wallet(&h, buyer.user).await, (0, 0, 0));
    step(T, "Tuesday batch paid: withdrawal completed, wallet empty");
    let report = reconciliation(&h).await;
    assert_eq!(report["clean"], true, "{report}");

    // The buyer reads the inbox.
    let inbox = ok(&h, &me, &format!("/users/{}/notifications", buyer.user)).await;
    let entries = inbox.as_array().unwrap();
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| e["notification"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["session_confirmed", "session_succeeded", "payment_received"],
        "newest first: {inbox}"
    );
    assert!(entries.iter().all(|e| e["user"] == json!(buyer.user)));
    assert!(entries.iter().all(|e| e["read_at"].is_null()), "{inbox}");
    for e in entries {
        let id = e["id"].as_str().unwrap();
        let (code, read) = h
            .post_as(
                &me,
                &format!("/users/{}/notifications/{id}/read", buyer.user),
                &json!({}),
            )
            .await;
        assert_eq!(code, StatusCode::OK, "{read}");
        assert_eq!(read["read_at"], json!(at(24, 3, 10)), "{read}");
    }
    let inbox = ok(&h, &me, &format!("/users/{}/notifications", buyer.user)).await;
    assert!(inbox
        .as_array()
        .unwrap()
        .iter()
        .all(|e| !e["read_at"].is_null()));
    step(
        T,
        &format!("{} notifications read: {kinds:?}", entries.len()),
    );

    no_violations(&h);
    {
        let biteship = h.fake_biteship().state();
        assert_eq!(biteship.rate_requests.len(), 1, "one quote, asked once");
        assert_eq!(biteship.orders.len(), 1, "one shipment, booked once");
    }
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_bookings_wait_for_an_operator_and_a_returned_parcel_is_refunded() {
    const T: &str = "fulfilment failures";
    const SB: SessionId = SessionId::from_u128(0xF2);
    let h = Harness::start_with_biteship("fulfilment_failures", at(23, 0, 30)).await;
    step(T, &format!("service on the {} store", h.store));
    let refused = Buyer::new(8, S, 2);
    let returned = Buyer::new(9, M, 2);
    create_session(&h, SB).await;
    h.clock.set(at(23, 0, 40));
    let payments = [
        quote_and_join(&h, T, SB, refused).await,
        quote_and_join(&h, T, SB, returned).await,
    ];
    h.clock.set(at(23, 1, 0));
    for payment in &payments {
        pay(&h, T, payment).await;
    }
    settle(&h, T, SB).await;
    h.clock.set(at(23, 13, 0));
    receive(&h, T, SB, &[(S, 2), (M, 2)]).await;
    factory_paid(&h, T, 200_000).await;

    // Both orders are booked.
    let refused_order = order_of(&h, refused).await["order"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let returned_order = order_of(&h, returned).await["order"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut shipment = booked(&h, refused, &refused_order, 1).await;
    let back = booked(&h, returned, &returned_order, 1).await;
    step(T, "both shipments booked at Biteship");

    // Refused three times: booked again twice, then the order waits for an operator.
    let warehouse = common::token(WAREHOUSE, Role::Warehouse);
    h.clock.set(at(23, 14, 0));
    for (n, status) in [(1, "rejected"), (2, "courier_not_found"), (3, "rejected")] {
        let body = h.fake_biteship().advance(&shipment, status);
        assert_eq!(webhook(&h, &body).await, "applied", "{status}");
        step(T, &format!("booking {n} refused by Biteship: {status}"));
        if n < 3 {
            shipment = booked(&h, refused, &refused_order, n + 1).await;
            step(T, &format!("re-booked: booking {} is {shipment}", n + 1));
        }
    }
    let waiting = ok(&h, &warehouse, "/warehouse/orders/awaiting-operator").await;
    let waiting = waiting.as_array().unwrap();
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(waiting[0]["id"], json!(refused_order), "{waiting:?}");
    assert_eq!(
        waiting[0]["shipping"]["hold"], "bookings_failed",
        "{waiting:?}"
    );
    assert_eq!(waiting[0]["status"], "ready_to_ship", "{waiting:?}");
    assert_eq!(
        h.fake_biteship().orders_for(&refused_order).len(),
        3,
        "no fourth booking"
    );
    step(T, "after 3 refusals the order waits for an operator");

    // The operator books it once more; this time it is delivered.
    h.clock.set(at(23, 15, 0));
    let (code, retried) = h
        .post_as(
            &warehouse,
            &format!("/warehouse/orders/{refused_order}/retry-shipment"),
            &json!({}),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{retried}");
    shipment = booked(&h, refused, &refused_order, 4).await;
    let waiting = ok(&h, &warehouse, "/warehouse/orders/awaiting-operator").await;
    assert_eq!(waiting, json!([]));
    step(T, &format!("operator retried: booking 4 is {shipment}"));
    advance(
        &h,
        T,
        refused,
        &refused_order,
        &shipment,
        "allocated",
        "shipment_booked",
    )
    .await;
    advance(
        &h,
        T,
        refused,
        &refused_order,
        &shipment,
        "dropping_off",
        "in_transit",
    )
    .await;
    advance(
        &h,
        T,
        refused,
        &refused_order,
        &shipment,
        "delivered",
        "delivered",
    )
    .await;

    // The other parcel comes back: its units are on hand again and the goods refunded.
    let cashback = 2 * (200_000 - 105_000);
    assert_eq!(wallet(&h, returned.user).await, (cashback, 0, cashback));
    assert_eq!(stock_line(&stock(&h).await, M), (2, 2, 0));
    advance(
        &h,
        T,
        returned,
        &returned_order,
        &back,
        "picking_up",
        "shipment_booked",
    )
    .await;
    advance(
        &h,
        T,
        returned,
        &returned_order,
        &back,
        "picked",
        "shipment_booked",
    )
    .await;
    advance(
        &h,
        T,
        returned,
        &returned_order,
        &back,
        "dropping_off",
        "in_transit",
    )
    .await;
    assert_eq!(
        stock_line(&stock(&h).await, M),
        (0, 0, 0),
        "the parcel left"
    );
    advance(
        &h,
        T,
        returned,
        &returned_order,
        &back,
        "return_in_transit",
        "returned",
    )
    .await;
    let body = h.fake_biteship().advance(&back, "returned");
    assert_eq!(webhook(&h, &body).await, "applied");
    step(
        T,
        "Biteship order.status returned: order stays returned, refunded once",
    );
    let goods = 2 * 105_000;
    assert_eq!(
        wallet(&h, returned.user).await,
        (cashback + goods, 0, cashback + goods),
        "the goods' price back in the wallet, the shipping not"
    );
    assert_eq!(
        stock_line(&stock(&h).await, M),
        (2, 0, 2),
        "the 2 M are back on hand"
    );
    assert_eq!(stock_line(&stock(&h).await, S), (0, 0, 0));
    step(
        T,
        &format!("parcel returned: 2 M on hand again, {goods} refunded to the wallet"),
    );

    // Both couriers are paid once; the books are clean.
    let report = reconciliation(&h).await;
    assert_eq!(report["clean"], true, "{report}");
    assert_eq!(ledger_net(&report, "external", "payable"), 0, "{report}");
    assert_eq!(
        ledger_net(&report, "external", "bank"),
        200_000 + 2 * 15_000,
        "factory and two couriers: {report}"
    );
    no_violations(&h);
    h.stop().await;
}

/// A weak session: one buyer's 4 units of MOQ 20 (20 %). Ten minutes before the end
/// the platform's bot tops it up to 25 %; the session succeeds, its purchase order
/// counts the bot's units too (the platform pays the factory for them), and the
/// buyer's parcel reaches the door; the books reconcile with every payable settled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_weak_session_is_topped_up_by_the_bot_and_the_buyers_parcel_delivered() {
    const T: &str = "bot e2e";
    const SB: SessionId = SessionId::from_u128(0xF3);
    let h = Harness::start_with_biteship("fulfilment_bot", at(23, 0, 30)).await;
    step(T, &format!("service on the {} store", h.store));
    let mut config = shirt_config();
    config.moq = Moq::new(20).unwrap();
    // 25 000 a unit of leg 1 again, over a MOQ five times larger.
    config.bulk_shipping_cost = Money::idr(500_000);
    config.bot = BotPolicy::default();
    let (code, answer) = h
        .post("/admin/sessions", &json!({"id": SB, "config": config}))
        .await;
    assert_eq!(code, StatusCode::CREATED, "{answer}");
    let buyer = Buyer::new(9, S, 4);
    h.clock.set(at(23, 0, 40));
    let payment = quote_and_join(&h, T, SB, buyer).await;
    h.clock.set(at(23, 1, 0));
    pay(&h, T, &payment).await;

    // Ten minutes before the end the bot tops the session up to 25 % of the MOQ.
    h.clock.set(at(23, 11, 51));
    h.wait_for("the bot's top-up", || async {
        let view = ok(&h, &h.admin, &format!("/sessions/{SB}")).await;
        view["bot_quantity"].as_u64().unwrap_or(0) > 0
    })
    .await;
    let view = ok(&h, &h.admin, &format!("/sessions/{SB}")).await;
    let bot = view["bot_quantity"].as_u64().unwrap();
    assert_eq!(bot + buyer.quantity, 5, "topped up to 25 % of 20: {view}");
    step(
        T,
        &format!("the bot topped the session up with {bot} unit(s)"),
    );

    settle(&h, T, SB).await;
    let warehouse = common::token(WAREHOUSE, Role::Warehouse);
    let order = ok(&h, &warehouse, &format!("/warehouse/purchase-orders/{SB}")).await;
    let outstanding: Vec<Value> = order["outstanding"].as_array().unwrap().clone();
    let units: u64 = outstanding
        .iter()
        .map(|l| l["units"].as_u64().unwrap())
        .sum();
    assert!(units >= 5, "the buyer's and the bot's units: {order}");
    step(T, &format!("purchase order issued: {units} units"));
    h.clock.set(at(23, 13, 0));
    let (code, answer) = h
        .post_as(
            &warehouse,
            &format!("/warehouse/sessions/{SB}/receipts"),
            &json!({"lines": outstanding}),
        )
        .await;
    assert_eq!(
        (code, &answer["complete"]),
        (StatusCode::OK, &json!(true)),
        "{answer}"
    );
    h.wait_for("the session confirmed", || async {
        session_status(&h, SB).await == "confirmed"
    })
    .await;
    step(
        T,
        "receipt entered: purchase order complete, session confirmed",
    );
    factory_paid(&h, T, units * 50_000).await;

    // Only the buyer has an order; it is booked and carried to the door.
    let order = order_of(&h, buyer).await;
    let order_id = order["order"]["id"].as_str().unwrap().to_owned();
    let shipment = booked(&h, buyer, &order_id, 1).await;
    step(T, &format!("shipment booked at Biteship: {shipment}"));
    h.clock.set(at(23, 14, 0));
    for (status, order_status) in [
        ("picked", "shipment_booked"),
        ("dropping_off", "in_transit"),
        ("delivered", "delivered"),
    ] {
        advance(&h, T, buyer, &order_id, &shipment, status, order_status).await;
    }

    let report = reconciliation(&h).await;
    assert_eq!(report["clean"], true, "{report}");
    for (entity, kind) in [
        ("platform", "escrow"),
        ("platform", "suspense"),
        ("external", "payable"),
    ] {
        assert_eq!(
            ledger_net(&report, entity, kind),
            0,
            "{entity} {kind}: {report}"
        );
    }
    step(
        T,
        "reconciliation clean: escrow, suspense, factory and courier payables settled",
    );
    no_violations(&h);
    h.stop().await;
}
