//! Over HTTP with a fake Xendit (and PostgreSQL when `DATABASE_URL` is set): a paid
//! callback with the right token but the wrong amount is an anomaly — recorded, its
//! money refunded from suspense — and the genuine callback that follows still pays
//! the participant; the reconciliation shows the anomaly until its refund is done.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{Harness, CALLBACK_TOKEN};
use patungan_core::{BotPolicy, ParticipantId, SessionId, UserId};
use patungan_testing::{at, config};
use reqwest::StatusCode;
use serde_json::{json, Value};

const SESSION: SessionId = SessionId::from_u128(0xA1);
const PARTICIPANT: ParticipantId = ParticipantId::from_u128(0xA2);

async fn reconciliation(h: &Harness) -> Value {
    let (code, body) = h.get("/admin/reconciliation").await;
    assert_eq!(code, StatusCode::OK, "{body}");
    body
}

async fn participant_status(h: &Harness) -> Value {
    let (code, body) = h
        .get(&format!("/sessions/{SESSION}/participants/{PARTICIPANT}"))
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    body["participant"]["status"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_amount_callback_is_an_anomaly_and_the_genuine_one_still_pays() {
    let h = Harness::start("service_anomalies", at(1, 0)).await;
    let (code, body) = h
        .post(
            "/admin/sessions",
            &json!({"id": SESSION, "config": config(BotPolicy::default())}),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{body}");
    let join = json!({
        "participant": PARTICIPANT,
        "user": "00000000-0000-0000-0000-0000000000a3",
        "quantity": 10,
        "expected_unit_price": {"amount": "200000", "currency": "IDR"},
        "courier_price": {"amount": "15000", "currency": "IDR"},
    });
    let shopper = h.shopper(UserId::from_u128(0xA3));
    let (code, joined) = h
        .post_as(&shopper, &format!("/sessions/{SESSION}/join"), &join)
        .await;
    assert_eq!(code, StatusCode::CREATED, "{joined}");
    let payment = joined["payment"].as_str().unwrap().to_owned();

    h.clock.set(at(1, 10));
    let genuine = h.xendit.pay(&payment);
    let mut forged = genuine.clone();
    forged["paid_amount"] = json!(1_000);
    forged["payment_id"] = json!("pymt-forged-1");
    let (code, answer) = h
        .callback("/webhooks/xendit/invoice", &forged, Some(CALLBACK_TOKEN))
        .await;
    assert_eq!(code, StatusCode::OK, "{answer}");
    assert_eq!(answer["result"], "anomaly", "{answer}");
    assert_eq!(participant_status(&h).await, "pending");

    let report = reconciliation(&h).await;
    assert_eq!(report["clean"], false, "{report}");
    let anomalies = report["report"]["open_anomalies"].as_array().unwrap();
    assert_eq!(anomalies.len(), 1, "{report}");
    assert_eq!(anomalies[0]["mismatch"]["field"], "amount");
    assert_eq!(
        anomalies[0]["reported"]["provider_payment_id"],
        "pymt-forged-1"
    );

    let (code, answer) = h
        .callback("/webhooks/xendit/invoice", &genuine, Some(CALLBACK_TOKEN))
        .await;
    assert_eq!(code, StatusCode::OK, "{answer}");
    assert_eq!(answer["result"], "applied", "{answer}");
    assert_eq!(participant_status(&h).await, "paid");

    // The forged 1 000 goes back from suspense; then everything is settled.
    h.wait_for("the anomaly's refund at Xendit", || async {
        h.xendit.state().refunds.len() == 1
    })
    .await;
    let refund = h.xendit.state().refunds.values().next().cloned().unwrap();
    assert_eq!(refund.amount, 1_000);
    let body = h.xendit.refund_succeeded(&refund);
    let (code, answer) = h
        .callback("/webhooks/xendit/refund", &body, Some(CALLBACK_TOKEN))
        .await;
    assert_eq!(code, StatusCode::OK, "{answer}");
    let report = reconciliation(&h).await;
    assert_eq!(report["clean"], true, "{report}");
    let (code, all) = h.get("/admin/anomalies").await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(all[0]["status"], "refunded", "{all}");
    h.stop().await;
}
