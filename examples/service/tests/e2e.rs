//! End to end over HTTP: the service on 127.0.0.1 with a fake Xendit (and
//! PostgreSQL when `DATABASE_URL` is set) drives two whole sessions — joins, paid
//! and expired invoices, a leave, settlement by the clock (one success with
//! cashback, one failure with refunds and a late payment), refunds, withdrawals and
//! a batch with one failed payout — then replays every callback 100 times and
//! checks that nothing moved.
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
use patungan_core::session::SessionConfig;
use patungan_core::{
    BotPolicy, Money, Moq, ParticipantId, ProductId, SessionId, TierLadder, UserId, WithdrawalId,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

const SA: SessionId = SessionId::from_u128(0xA);
const SB: SessionId = SessionId::from_u128(0xB);
const REPLAYS: usize = 100;

fn at(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    // 23 November 2026 is a Monday; Tuesday 24th 03:00 UTC is 10:00 WIB, a batch instant.
    Utc.with_ymd_and_hms(2026, 11, day, h, m, 0).unwrap()
}

fn idr(amount: u64) -> Value {
    json!({"amount": amount.to_string(), "currency": "IDR"})
}

fn session_config(bot: BotPolicy) -> SessionConfig {
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
        ProductId::from_u128(77),
        Moq::new(100).unwrap(),
        ladder,
        at(23, 0, 0),
        at(23, 12, 0),
        Money::idr(500_000),
    );
    config.bot = bot;
    // A payment window as long as the session, so that u8 can pay at 11:59 (the
    // 30-minute default is exercised by the engine's and the core's tests).
    config.invoice_ttl_seconds = 12 * 60 * 60;
    config
}

fn user(n: u128) -> UserId {
    UserId::from_u128(n)
}

fn participant(n: u128) -> ParticipantId {
    ParticipantId::from_u128(100 + n)
}

/// product q × 200 000 + leg 1 q × 5 000 + leg 2 15 000 + fee 3 % of product.
fn total(quantity: u64) -> u64 {
    quantity * 211_000 + 15_000
}

fn amount(v: &Value) -> u64 {
    assert_eq!(v["currency"], "IDR", "{v}");
    v["amount"].as_str().unwrap().parse().unwrap()
}

async fn session_status(h: &Harness, id: SessionId) -> String {
    let (code, body) = h.get(&format!("/sessions/{id}")).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    body["status"].as_str().unwrap().to_owned()
}

async fn participant_view(h: &Harness, session: SessionId, n: u128) -> Value {
    let (code, body) = h
        .get(&format!(
            "/sessions/{session}/participants/{}",
            participant(n)
        ))
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    body
}

async fn wallet(h: &Harness, n: u128) -> (u64, u64, u64) {
    let (code, body) = h.get(&format!("/wallets/{}", user(n))).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    (
        amount(&body["posted"]),
        amount(&body["held"]),
        amount(&body["available"]),
    )
}

struct Callbacks(Vec<(&'static str, Value)>);

impl Callbacks {
    /// Sends a callback with the right token, expecting it to be applied, and keeps
    /// it for the replays.
    async fn deliver(&mut self, h: &Harness, path: &'static str, body: Value) {
        let (code, answer) = h.callback(path, &body, Some(CALLBACK_TOKEN)).await;
        assert_eq!(code, StatusCode::OK, "{path}: {answer}");
        assert_eq!(answer["result"], "applied", "{path}: {answer}");
        self.0.push((path, body));
    }
}

async fn join(h: &Harness, session: SessionId, n: u128, quantity: u64) -> Value {
    let body = json!({
        "participant": participant(n),
        "user": user(n),
        "quantity": quantity,
        "expected_unit_price": idr(200_000),
        "courier_price": idr(15_000),
    });
    let me = h.shopper(user(n));
    let (code, answer) = h
        .post_as(&me, &format!("/sessions/{session}/join"), &body)
        .await;
    assert_eq!(code, StatusCode::CREATED, "{answer}");
    assert_eq!(
        amount(&answer["cost"]["total"]),
        total(quantity),
        "{answer}"
    );
    assert_eq!(amount(&answer["invoice"]["amount"]), total(quantity));
    let url = answer["invoice"]["url"].as_str().unwrap_or_default();
    assert!(
        url.starts_with("https://checkout.fake-xendit.invalid/web/inv"),
        "the join answers with the invoice URL: {answer}"
    );
    // Retrying the same join answers 200 with the same payment and no new invoice.
    let (code, again) = h
        .post_as(&me, &format!("/sessions/{session}/join"), &body)
        .await;
    assert_eq!(code, StatusCode::OK, "{again}");
    assert_eq!(again["payment"], answer["payment"]);
    assert_eq!(again["outcome"], "unchanged");
    answer
}

async fn refused_inputs(h: &Harness, payment_u4: &str) {
    let stale = json!({
        "participant": participant(90), "user": user(90), "quantity": 1,
        "expected_unit_price": idr(199_000), "courier_price": idr(15_000),
    });
    let (code, body) = h
        .post_as(
            &h.shopper(user(90)),
            &format!("/sessions/{SA}/join"),
            &stale,
        )
        .await;
    assert_eq!(code, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "session.stale_price");
    let zero = json!({
        "participant": participant(91), "user": user(91), "quantity": 0,
        "expected_unit_price": idr(200_000), "courier_price": idr(15_000),
    });
    let u91 = h.shopper(user(91));
    let (code, body) = h
        .post_as(&u91, &format!("/sessions/{SA}/join"), &zero)
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "session.zero_quantity");
    let (code, body) = h
        .post_raw_as(&u91, &format!("/sessions/{SA}/join"), "{\"quantity\":")
        .await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "request.invalid_json");
    let (code, body) = h
        .post_as(
            &u91,
            &format!("/sessions/{}/join", SessionId::from_u128(0xDEAD)),
            &zero,
        )
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["code"], "engine.unknown_session");
    let (code, body) = h.get(&format!("/sessions/{SA}/preview?extra=-1")).await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{body}");
    let (code, body) = h.get(&format!("/sessions/{SA}/preview?extra=25")).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert_eq!(body["extra_quantity"], 25);
    // Admin endpoints need an admin's bearer token.
    let (code, body) = h
        .send(h.http.get(format!("{}/admin/reconciliation", h.base)))
        .await;
    assert_eq!(code, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"]["code"], "auth.missing_token");
    let (code, body) = h.get_as(&u91, "/admin/reconciliation").await;
    assert_eq!(code, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "auth.forbidden");
    // Webhooks with a wrong or missing token are refused and change nothing.
    let forged = json!({
        "id": "inv-forged", "external_id": payment_u4, "status": "PAID",
        "amount": total(5), "paid_amount": total(5), "currency": "IDR",
    });
    for token in [Some("wrong-token"), None] {
        let (code, body) = h.callback("/webhooks/xendit/invoice", &forged, token).await;
        assert_eq!(code, StatusCode::UNAUTHORIZED, "{body}");
        assert!(body["error"]["code"]
            .as_str()
            .unwrap()
            .starts_with("xendit.webhook."));
    }
    let (code, body) = h
        .callback(
            "/webhooks/xendit/invoice",
            &json!({"id": 1}),
            Some(CALLBACK_TOKEN),
        )
        .await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        participant_view(h, SA, 4).await["participant"]["status"],
        "pending"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_session_over_http_with_replayed_callbacks() {
    let started = std::time::Instant::now();
    let h = Harness::start("service_e2e", at(23, 1, 0)).await;
    eprintln!("service e2e on the {} store", h.store);
    let (code, health) = h.get("/health").await;
    assert_eq!(code, StatusCode::OK, "{health}");
    assert_eq!(health["parts"]["gateway"], "xendit");

    // Two sessions: A succeeds (45 % filled), B fails (15 %, no bot).
    for (id, bot) in [(SA, BotPolicy::default()), (SB, BotPolicy::disabled())] {
        let body = json!({"id": id, "config": session_config(bot)});
        let (code, answer) = h.post("/admin/sessions", &body).await;
        assert_eq!(code, StatusCode::CREATED, "{answer}");
        assert_eq!(answer["status"], "open");
        let (code, _) = h.post("/admin/sessions", &body).await;
        assert_eq!(code, StatusCode::OK, "creating again is a no-op");
    }

    let mut payments = BTreeMap::new();
    for (session, n, quantity) in [
        (SA, 1, 10),
        (SA, 2, 15),
        (SA, 3, 20),
        (SA, 4, 5),
        (SA, 5, 8),
        (SB, 6, 10),
        (SB, 7, 5),
        (SB, 8, 3),
    ] {
        let answer = join(&h, session, n, quantity).await;
        payments.insert(n, answer["payment"].as_str().unwrap().to_owned());
    }
    assert_eq!(h.xendit.state().invoices.len(), 8);
    refused_inputs(&h, &payments[&4]).await;

    // Payments arrive by callback; u4's invoice expires at Xendit.
    let mut callbacks = Callbacks(Vec::new());
    h.clock.set(at(23, 2, 0));
    for n in [1, 2, 3, 5, 6, 7] {
        let body = h.xendit.pay(&payments[&n]);
        callbacks
            .deliver(&h, "/webhooks/xendit/invoice", body)
            .await;
    }
    let body = h.xendit.expire(&payments[&4]);
    callbacks
        .deliver(&h, "/webhooks/xendit/invoice", body)
        .await;
    assert_eq!(
        participant_view(&h, SA, 4).await["participant"]["status"],
        "payment_expired"
    );
    let (_, preview) = h.get(&format!("/sessions/{SA}/preview?extra=0")).await;
    assert_eq!(preview["filled_quantity"], 53, "u1+u2+u3+u5 paid");

    // u5 leaves: refunded in full through Xendit.
    h.clock.set(at(23, 3, 0));
    let (code, left) = h
        .post_as(
            &h.shopper(user(5)),
            &format!("/sessions/{SA}/participants/{}/leave", participant(5)),
            &json!({}),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{left}");
    assert_eq!(left["participant"]["status"], "left");

    // u8 pays at 11:59, but Xendit's callback only arrives after settlement.
    h.clock.set(at(23, 11, 59));
    let late_payment = h.xendit.pay(&payments[&8]);

    // The clock reaches the end: A confirms with cashback, B fails and refunds.
    h.clock.set(at(23, 12, 0));
    h.wait_for("session A confirmed", || async {
        session_status(&h, SA).await == "confirmed"
    })
    .await;
    h.wait_for("session B failed", || async {
        session_status(&h, SB).await == "failed"
    })
    .await;
    h.clock.set(at(23, 12, 5));
    callbacks
        .deliver(&h, "/webhooks/xendit/invoice", late_payment)
        .await;

    // Four refunds reach Xendit (u5 left, u6 and u7 failed, u8 paid late).
    h.wait_for("four refunds at Xendit", || async {
        h.xendit.state().refunds.len() == 4
    })
    .await;
    let refunds: Vec<_> = h.xendit.state().refunds.values().cloned().collect();
    for refund in &refunds {
        let body = h.xendit.refund_succeeded(refund);
        callbacks.deliver(&h, "/webhooks/xendit/refund", body).await;
    }
    for (n, quantity) in [(5, 8), (6, 10), (7, 5), (8, 3)] {
        let invoice = h.xendit.invoice(&payments[&n]).unwrap();
        let mine: Vec<_> = refunds
            .iter()
            .filter(|r| r.invoice_id == invoice.id)
            .collect();
        assert_eq!(mine.len(), 1, "one refund for u{n}");
        assert_eq!(mine[0].amount, total(quantity), "u{n} refunded in full");
    }

    // Cashback: (200 000 − 150 000) per paid unit.
    for (n, cashback) in [(1, 500_000), (2, 750_000), (3, 1_000_000)] {
        assert_eq!(wallet(&h, n).await, (cashback, 0, cashback), "u{n}");
    }
    for n in 4..=8 {
        assert_eq!(wallet(&h, n).await, (0, 0, 0), "u{n}");
    }

    // Withdrawals, then Tuesday's 10:00 WIB batch with one failed payout.
    h.clock.set(at(23, 13, 0));
    let withdraw = |n: u128, amount: u64| {
        json!({
            "id": WithdrawalId::from_u128(900 + n),
            "amount": idr(amount),
            "bank_code": "BCA",
            "account_number": format!("12345678{n:02}"),
            "holder_name": format!("Pembeli {n}"),
        })
    };
    for (n, amount) in [(1, 200_000), (2, 750_000), (3, 100_000)] {
        let (code, body) = h
            .post_as(
                &h.shopper(user(n)),
                &format!("/wallets/{}/withdrawals", user(n)),
                &withdraw(n, amount),
            )
            .await;
        assert_eq!(code, StatusCode::ACCEPTED, "{body}");
        assert_eq!(body["status"], "queued");
        assert_eq!(body["net"], idr(amount - 2_500));
        let (code, _) = h
            .post_as(
                &h.shopper(user(n)),
                &format!("/wallets/{}/withdrawals", user(n)),
                &withdraw(n, amount),
            )
            .await;
        assert_eq!(code, StatusCode::OK, "a repeated request is a no-op");
    }
    let mut too_much = withdraw(3, 5_000_000);
    too_much["id"] = json!(WithdrawalId::from_u128(999));
    let (code, body) = h
        .post_as(
            &h.shopper(user(3)),
            &format!("/wallets/{}/withdrawals", user(3)),
            &too_much,
        )
        .await;
    assert_eq!(code, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "wallet.insufficient_balance");
    too_much["amount"] = idr(5_000);
    let (code, body) = h
        .post_as(
            &h.shopper(user(3)),
            &format!("/wallets/{}/withdrawals", user(3)),
            &too_much,
        )
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "withdrawal.below_minimum");
    assert_eq!(wallet(&h, 1).await, (500_000, 200_000, 300_000));

    h.clock.set(at(24, 3, 0));
    h.wait_for("one batch at Xendit", || async {
        h.xendit.state().batches.len() == 1
    })
    .await;
    let batch = h.xendit.state().batches.values().next().cloned().unwrap();
    assert_eq!(batch.items.len(), 3);
    let mut net: Vec<u64> = batch.items.iter().map(|i| i.amount).collect();
    net.sort_unstable();
    assert_eq!(net, vec![97_500, 197_500, 747_500]);
    let failed_item = batch
        .items
        .iter()
        .find(|i| i.amount == 747_500)
        .unwrap()
        .external_id
        .clone();
    let failures = BTreeMap::from([(failed_item, "INVALID_DESTINATION".to_owned())]);
    let body = h.xendit.batch_result(&batch, &failures);
    h.clock.set(at(24, 3, 10));
    callbacks
        .deliver(&h, "/webhooks/xendit/batch-disbursement", body)
        .await;

    // Replay every callback 100 times, concurrently: all duplicates.
    let before = snapshot(&h).await;
    let mut tasks = tokio::task::JoinSet::new();
    for (path, body) in callbacks.0.clone() {
        let http = h.http.clone();
        let url = format!("{}{path}", h.base);
        tasks.spawn(async move {
            for _ in 0..REPLAYS {
                let answer = http
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("x-callback-token", CALLBACK_TOKEN)
                    .body(serde_json::to_vec(&body).unwrap())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(answer.status(), StatusCode::OK);
                let answer: Value = answer.json().await.unwrap();
                assert_eq!(answer["result"], "duplicate", "{path}: {answer}");
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    // Let the background loop run a few more passes over whatever might be due.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(snapshot(&h).await, before, "replays changed something");

    // Final state.
    assert_eq!(session_status(&h, SA).await, "confirmed");
    assert_eq!(session_status(&h, SB).await, "failed");
    for (n, status) in [
        (1, "paid"),
        (2, "paid"),
        (3, "paid"),
        (4, "payment_expired"),
        (5, "left"),
    ] {
        assert_eq!(
            participant_view(&h, SA, n).await["participant"]["status"],
            status,
            "u{n}"
        );
    }
    for (n, status) in [(6, "refunded"), (7, "refunded")] {
        assert_eq!(
            participant_view(&h, SB, n).await["participant"]["status"],
            status,
            "u{n}"
        );
    }
    assert_eq!(
        participant_view(&h, SB, 8).await["participant"]["refund"],
        "late_payment"
    );
    for (n, status, failure) in [
        (1, "completed", Value::Null),
        (2, "failed", json!("INVALID_DESTINATION")),
        (3, "completed", Value::Null),
    ] {
        let (code, w) = h
            .get(&format!(
                "/withdrawals/{}",
                WithdrawalId::from_u128(900 + n)
            ))
            .await;
        assert_eq!(code, StatusCode::OK, "{w}");
        assert_eq!(w["status"], status, "u{n}: {w}");
        assert_eq!(w["failure_code"], failure, "u{n}: {w}");
    }
    assert_eq!(wallet(&h, 1).await, (300_000, 0, 300_000));
    assert_eq!(
        wallet(&h, 2).await,
        (750_000, 0, 750_000),
        "the failed payout came back"
    );
    assert_eq!(wallet(&h, 3).await, (900_000, 0, 900_000));
    let (code, reconciliation) = h.get("/admin/reconciliation").await;
    assert_eq!(code, StatusCode::OK, "{reconciliation}");
    assert_eq!(reconciliation["clean"], true, "{reconciliation}");
    {
        let xendit = h.xendit.state();
        assert!(xendit.violations.is_empty(), "{:?}", xendit.violations);
        assert_eq!(xendit.unauthenticated, 0);
        assert_eq!(xendit.invoices.len(), 8);
        assert_eq!(xendit.invoice_posts, 8, "each invoice created once");
        assert!(
            xendit.refunds.values().all(|r| r.calls == 1),
            "each refund sent once"
        );
        assert!(
            xendit.batches.values().all(|b| b.calls == 1),
            "the batch sent once"
        );
    }
    h.stop().await;
    eprintln!(
        "service e2e: {} callbacks × {REPLAYS} replays, {:.1} s",
        callbacks.0.len(),
        started.elapsed().as_secs_f64()
    );
}

/// Everything a replay must not change.
async fn snapshot(h: &Harness) -> Vec<String> {
    let mut out = Vec::new();
    for n in 1..=8 {
        out.push(format!("{:?}", wallet(h, n).await));
    }
    for id in [SA, SB] {
        let (_, body) = h.get(&format!("/sessions/{id}")).await;
        out.push(body.to_string());
    }
    for n in 1..=3 {
        let (_, body) = h
            .get(&format!(
                "/withdrawals/{}",
                WithdrawalId::from_u128(900 + n)
            ))
            .await;
        out.push(body.to_string());
    }
    let (_, reconciliation) = h.get("/admin/reconciliation").await;
    out.push(reconciliation.to_string());
    let xendit = h.xendit.state();
    out.push(format!(
        "invoices {} posts {} refunds {} batches {} expire calls {}",
        xendit.invoices.len(),
        xendit.invoice_posts,
        xendit.refunds.len(),
        xendit.batches.len(),
        xendit.expire_calls
    ));
    out
}
