//! Hostile and faulty input over HTTP (issue 10): control characters, absurd session
//! configurations, unknown fields at any depth, oversized bodies, a batch callback of
//! thousands of unknown payouts, and a paid callback without its currency. Each is
//! refused with a 4xx and a stable code (never a 500), and changes nothing. Runs on
//! PostgreSQL when `DATABASE_URL` is set (where a NUL byte used to surface as a 500
//! `store.corrupt`), on the memory store otherwise.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::io;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, TimeZone, Utc};
use common::{Harness, CALLBACK_TOKEN};
use patungan_core::session::SessionConfig;
use patungan_core::{Money, Moq, ProductId, SessionId, TierLadder};
use reqwest::StatusCode;
use serde_json::{json, Value};

const SESSION: SessionId = SessionId::from_u128(0xC1);
const USER: &str = "00000000-0000-0000-0000-000000000007";

fn shopper(h: &Harness) -> String {
    h.shopper(USER.parse().unwrap())
}

fn at(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, h, 0, 0).unwrap()
}

/// Everything the service logs in this test binary, for the log-volume test.
fn logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = buffer.clone();
        // Installed before any harness starts; the harness' own `try_init` then yields.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("info"))
            .with_ansi(false)
            .with_writer(move || Capture(sink.clone()))
            .try_init();
        buffer
    })
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl io::Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn log_lines_with(needle: &str) -> usize {
    let bytes = logs().lock().unwrap().clone();
    String::from_utf8_lossy(&bytes)
        .lines()
        .filter(|l| l.contains(needle))
        .count()
}

async fn start(test: &str) -> Harness {
    logs();
    Harness::start(test, at(1)).await
}

fn config() -> SessionConfig {
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
    SessionConfig::new(
        ProductId::from_u128(77),
        Moq::new(100).unwrap(),
        ladder,
        at(0),
        at(12),
        Money::idr(500_000),
    )
}

fn assert_refused(answer: &(StatusCode, Value), status: StatusCode, code: &str) {
    let (got, body) = answer;
    assert_eq!(*got, status, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
}

async fn assert_no_session(h: &Harness) {
    let answer = h.get(&format!("/sessions/{SESSION}")).await;
    assert_refused(&answer, StatusCode::NOT_FOUND, "engine.unknown_session");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_are_a_400_and_write_nothing() {
    let h = start("hostile_control_characters").await;
    let withdrawal = |holder: &str, bank: &str| {
        json!({
            "id": "00000000-0000-0000-0000-0000000000d1",
            "amount": {"amount": "100000", "currency": "IDR"},
            "bank_code": bank,
            "account_number": "1234567890",
            "holder_name": holder,
        })
    };
    let path = format!("/wallets/{USER}/withdrawals");
    for (holder, bank) in [("Siti\0Aminah", "BCA"), ("Siti Aminah", "B\u{1b}CA")] {
        let answer = h
            .post_as(&shopper(&h), &path, &withdrawal(holder, bank))
            .await;
        assert_refused(
            &answer,
            StatusCode::BAD_REQUEST,
            "withdrawal.control_character",
        );
    }
    let answer = h
        .post_as(&shopper(&h), &path, &withdrawal(&"A".repeat(129), "BCA"))
        .await;
    assert_refused(&answer, StatusCode::BAD_REQUEST, "withdrawal.text_too_long");
    let answer = h
        .get("/withdrawals/00000000-0000-0000-0000-0000000000d1")
        .await;
    assert_refused(&answer, StatusCode::NOT_FOUND, "engine.unknown_withdrawal");

    // A signed Biteship webhook with a NUL in its order id.
    let hook =
        r#"{"event":"order.status","order_id":"5dd599eb\u0000defcd4158eb8470b","status":"picked"}"#;
    let answer = h.biteship(hook).await;
    assert_refused(
        &answer,
        StatusCode::BAD_REQUEST,
        "biteship.webhook.invalid_field",
    );
    // A Xendit payout callback with a NUL in its id.
    let callback = json!({"id": "disb\u{0}1", "external_id": "wd-1", "status": "COMPLETED"});
    let answer = h
        .callback(
            "/webhooks/xendit/disbursement",
            &callback,
            Some(CALLBACK_TOKEN),
        )
        .await;
    assert_refused(
        &answer,
        StatusCode::BAD_REQUEST,
        "xendit.webhook.invalid_field",
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absurd_configurations_and_unknown_fields_are_refused() {
    let h = start("hostile_configurations").await;
    let create = |config: Value| json!({"id": SESSION, "config": config});
    let base = serde_json::to_value(config()).unwrap();
    let edited = |edit: &dyn Fn(&mut Value)| {
        let mut config = base.clone();
        edit(&mut config);
        create(config)
    };
    // Refused while the JSON is read: 400 `request.invalid_json`, naming the field.
    let unreadable: [(&str, Value); 5] = [
        ("config.moq", edited(&|c| c["moq"] = json!(u64::MAX))),
        (
            "config.ladder",
            edited(&|c| c["ladder"]["rungs"][3]["threshold"] = json!(4_000_000_000u32)),
        ),
        (
            "config.bot",
            edited(&|c| c["bot"]["target_bp"] = json!(4_000_000_000u32)),
        ),
        (
            "config.ladder.rungs.0.discount",
            edited(&|c| c["ladder"]["rungs"][0]["discount"] = json!(1)),
        ),
        ("config.colour", edited(&|c| c["colour"] = json!("red"))),
    ];
    for (field, body) in unreadable {
        let answer = h.post("/admin/sessions", &body).await;
        assert_refused(&answer, StatusCode::BAD_REQUEST, "request.invalid_json");
        let message = answer.1["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(field), "{field}: {message}");
    }
    let extra_money = edited(&|c| c["bulk_shipping_cost"]["cents"] = json!(5));
    let answer = h.post("/admin/sessions", &extra_money).await;
    assert_refused(&answer, StatusCode::BAD_REQUEST, "request.invalid_json");
    // Refused by the session rules: 422 with the core's code.
    let invalid: [(&str, Value); 4] = [
        (
            "session_config.invoice_ttl_too_long",
            edited(&|c| c["invoice_ttl_seconds"] = json!(u32::MAX)),
        ),
        (
            "session_config.success_threshold_too_high",
            edited(&|c| c["success_threshold"] = json!(4_000_000_000u32)),
        ),
        (
            "session_config.date_out_of_range",
            edited(&|c| {
                c["start"] = json!("9999-01-01T00:00:00Z");
                c["end"] = json!("9999-01-02T00:00:00Z");
            }),
        ),
        (
            "session_config.date_out_of_range",
            edited(&|c| c["end"] = json!("9999-12-31T00:00:00Z")),
        ),
    ];
    for (code, body) in invalid {
        let answer = h.post("/admin/sessions", &body).await;
        assert_refused(&answer, StatusCode::UNPROCESSABLE_ENTITY, code);
    }
    assert_no_session(&h).await;
    // The same configuration, sane, is accepted; a join with an unknown field is not.
    let (code, body) = h.post("/admin/sessions", &create(base.clone())).await;
    assert_eq!(code, StatusCode::CREATED, "{body}");
    let join = json!({
        "participant": "00000000-0000-0000-0000-000000000101",
        "user": USER,
        "quantity": 1,
        "expected_unit_price": {"amount": "200000", "currency": "IDR", "rate": 1},
        "courier_price": {"amount": "15000", "currency": "IDR"},
    });
    let answer = h
        .post_as(&shopper(&h), &format!("/sessions/{SESSION}/join"), &join)
        .await;
    assert_refused(&answer, StatusCode::BAD_REQUEST, "request.invalid_json");
    let message = answer.1["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("expected_unit_price.rate"), "{message}");
    h.stop().await;
}

/// Posts a request declaring a `length`-byte body with `Expect: 100-continue`, over a
/// raw connection, and reads the answer. The service refuses an oversized body from
/// its declared length, before asking for it; a client that sent the body at once
/// could see the connection closed under it while still writing (a race, not an
/// answer).
async fn post_declaring(h: &Harness, path: &str, length: usize) -> (StatusCode, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = h.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n\
         Expect: 100-continue\r\nConnection: close\r\n\r\n",
        h.admin
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let text = String::from_utf8_lossy(&answer);
    let status: u16 = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let json = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}"));
    (StatusCode::from_u16(status).unwrap(), json)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_one_mebibyte_are_a_413_on_every_route() {
    let h = start("hostile_body_size").await;
    for path in [
        format!("/sessions/{SESSION}/join"),
        "/admin/sessions".to_owned(),
        format!("/wallets/{USER}/withdrawals"),
        "/webhooks/xendit/invoice".to_owned(),
        format!("/sessions/{SESSION}"),
    ] {
        for length in [(1 << 20) + 1, 10 << 20] {
            let answer = post_declaring(&h, &path, length).await;
            assert_refused(
                &answer,
                StatusCode::PAYLOAD_TOO_LARGE,
                "request.body_too_large",
            );
        }
    }
    // Just under the limit is read (and refused for what it says, not its size).
    let fits = format!("{{\"quantity\": 1{}}}", " ".repeat((1 << 20) - 64));
    let answer = h
        .send(
            h.http
                .post(format!("{}/admin/sessions", h.base))
                .bearer_auth(&h.admin)
                .header("content-type", "application/json")
                .body(fits),
        )
        .await;
    assert_refused(&answer, StatusCode::BAD_REQUEST, "request.invalid_json");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_of_thousands_of_unknown_payouts_logs_one_line() {
    let h = start("hostile_batch_log").await;
    const ITEMS: usize = 2_000;
    let disbursements: Vec<Value> = (0..ITEMS)
        .map(|n| json!({"id": format!("disb-{n}"), "external_id": format!("wd-unknown-{n}"), "status": "COMPLETED"}))
        .collect();
    let body = json!({"id": "batch-unknown", "disbursements": disbursements});
    let (code, answer) = h
        .callback(
            "/webhooks/xendit/batch-disbursement",
            &body,
            Some(CALLBACK_TOKEN),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{answer}");
    assert_eq!(answer["result"], "ignored", "{answer}");
    assert_eq!(log_lines_with("batch disbursement callback"), 1);
    assert_eq!(log_lines_with("unknown=2000"), 1);
    assert_eq!(log_lines_with("notification for something unknown"), 0);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paid_callback_without_currency_is_refused() {
    let h = start("hostile_currency").await;
    let (code, body) = h
        .post(
            "/admin/sessions",
            &json!({"id": SESSION, "config": config()}),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{body}");
    let join = json!({
        "participant": "00000000-0000-0000-0000-000000000101",
        "user": USER,
        "quantity": 1,
        "expected_unit_price": {"amount": "200000", "currency": "IDR"},
        "courier_price": {"amount": "15000", "currency": "IDR"},
    });
    let (code, joined) = h
        .post_as(&shopper(&h), &format!("/sessions/{SESSION}/join"), &join)
        .await;
    assert_eq!(code, StatusCode::CREATED, "{joined}");
    let payment = joined["payment"].as_str().unwrap().to_owned();
    let mut paid = h.xendit.pay(&payment);
    paid.as_object_mut().unwrap().remove("currency");
    let answer = h
        .callback("/webhooks/xendit/invoice", &paid, Some(CALLBACK_TOKEN))
        .await;
    assert_refused(
        &answer,
        StatusCode::BAD_REQUEST,
        "xendit.webhook.missing_field",
    );
    let (_, view) = h
        .get(&format!(
            "/sessions/{SESSION}/participants/00000000-0000-0000-0000-000000000101"
        ))
        .await;
    assert_eq!(view["participant"]["status"], "pending", "{view}");
    h.stop().await;
}
