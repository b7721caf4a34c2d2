//! The one-command default: memory store and simulated providers, driven over HTTP
//! through the simulator endpoints; and the Biteship webhook with a signature.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use patungan_core::session::SessionConfig;
use patungan_core::{Money, Moq, ProductId, SessionId, TierLadder, UserId};
use patungan_service::auth::token::Issuer;
use patungan_service::auth::Role;
use patungan_service::clock::ManualClock;
use patungan_service::config::Config;
use patungan_service::Service;
use reqwest::StatusCode;
use serde_json::{json, Value};

const SESSION: SessionId = SessionId::from_u128(0x51);
const HOOK_SECRET: &str = "biteship-hook-secret";
const NOTIFY_SECRET: &str = "whsec_bm90aWZ5LXNlY3JldC0wMTIzNDU2Nzg5";

/// The distinct inbox entries the notification endpoint received, each delivery's
/// signature checked as a receiver does.
async fn notified(endpoint: &wiremock::MockServer) -> usize {
    let now = Utc::now().timestamp();
    let mut ids = std::collections::BTreeSet::new();
    for request in endpoint.received_requests().await.unwrap() {
        let header = |name: &str| {
            request
                .headers
                .get(name)
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        };
        let id = header("webhook-id");
        patungan_webhook::verify(
            NOTIFY_SECRET,
            &id,
            &header("webhook-timestamp"),
            &header("webhook-signature"),
            &request.body,
            now,
            patungan_webhook::DEFAULT_TOLERANCE_SECONDS,
        )
        .unwrap();
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["type"], "inbox.entry");
        assert_eq!(
            id,
            format!(
                "inbox_{}",
                body["data"]["id"].as_str().unwrap().replace('-', "")
            )
        );
        ids.insert(id);
    }
    ids.len()
}

fn at(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, h, 0, 0).unwrap()
}

const JWT_SECRET: &str = "simulated-test-secret-0123456789abcdef";
const SHOPPER: UserId = UserId::from_u128(1);

fn token(user: UserId, role: Role) -> String {
    Issuer::hs256(JWT_SECRET.as_bytes(), "tests", "patungan")
        .mint(user, role, 600)
        .unwrap()
}

struct Client {
    base: String,
    http: reqwest::Client,
    /// The token sent (an admin's unless a call says otherwise).
    token: String,
}

impl Client {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.call_as(&self.token, method, path, body).await
    }

    async fn call_as(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_service_runs_a_session_with_the_simulator() {
    let clock = Arc::new(ManualClock::new(at(1)));
    // The users' notification endpoint: takes signed webhooks.
    let notify = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(204))
        .mount(&notify)
        .await;
    let notify_url = format!("{}/notify", notify.uri());
    let mut config = Config::from_lookup(|name| match name {
        "PATUNGAN_NOTIFY_WEBHOOK_URL" => Some(notify_url.clone()),
        "PATUNGAN_NOTIFY_WEBHOOK_SECRET" => Some(NOTIFY_SECRET.to_owned()),
        "BITESHIP_WEBHOOK_SECRET" => Some(HOOK_SECRET.to_owned()),
        "PATUNGAN_JWT_HS256_SECRET" => Some(JWT_SECRET.to_owned()),
        "PATUNGAN_JWT_ISSUER" => Some("tests".to_owned()),
        "PATUNGAN_JWT_AUDIENCE" => Some("patungan".to_owned()),
        _ => None,
    })
    .unwrap();
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.tick_interval = Duration::from_millis(20);
    let service = Service::new(&config, clock.clone()).await.unwrap();
    let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
    let c = Client {
        base: format!("http://{}", listener.local_addr().unwrap()),
        http: reqwest::Client::new(),
        token: token(UserId::from_u128(0xAD), Role::Admin),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(service.serve(listener, async {
        let _ = stopped.await;
    }));

    let (code, health) = c.get("/health").await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(
        health["parts"],
        json!({"store": "memory", "gateway": "simulated", "shipping": "simulated"})
    );

    let ladder = TierLadder::with_default_thresholds(
        Money::idr(100_000),
        [
            Money::idr(90_000),
            Money::idr(80_000),
            Money::idr(70_000),
            Money::idr(60_000),
        ],
    )
    .unwrap();
    let session = SessionConfig::new(
        ProductId::from_u128(1),
        Moq::new(10).unwrap(),
        ladder,
        at(0),
        at(12),
        Money::idr(100_000),
    );
    let (code, body) = c
        .post("/admin/sessions", json!({"id": SESSION, "config": session}))
        .await;
    assert_eq!(code, StatusCode::CREATED, "{body}");
    let mut other = session.clone();
    other.moq = Moq::new(20).unwrap();
    let (code, body) = c
        .post("/admin/sessions", json!({"id": SESSION, "config": other}))
        .await;
    assert_eq!(code, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "session.exists");

    // The shopper asks what delivering 5 units to 12440 costs: the in-memory courier
    // charges 9 000 a started kilogram, 1 kg a unit.
    let shopper = token(SHOPPER, Role::Shopper);
    let quote_id = "00000000-0000-0000-0000-0000000000a1";
    let (code, quote) = c
        .call_as(
            &shopper,
            reqwest::Method::POST,
            &format!("/sessions/{SESSION}/quotes"),
            Some(json!({
                "quote": quote_id,
                "user": "00000000-0000-0000-0000-000000000001",
                "postal_code": "12440",
                "quantity": 5,
            })),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{quote}");
    let jne = quote["offers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["courier"] == "jne")
        .unwrap();
    assert_eq!(jne["price"]["amount"], "45000");

    // A join cannot name its own courier price (say 0, leaving the platform to pay
    // the courier): it must cite a quote.
    let (code, refused) = c
        .call_as(
            &shopper,
            reqwest::Method::POST,
            &format!("/sessions/{SESSION}/join"),
            Some(json!({
                "participant": "00000000-0000-0000-0000-000000000102",
                "user": "00000000-0000-0000-0000-000000000001",
                "quantity": 5,
                "expected_unit_price": {"amount": "100000", "currency": "IDR"},
                "courier_price": {"amount": "0", "currency": "IDR"},
            })),
        )
        .await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["error"]["code"], "join.quote_required");

    // 5 units of MOQ 10: the 50 % rung (80 000) is reached. The join names the
    // quote; the quoted courier price is charged.
    let (code, joined) = c
        .call_as(
            &shopper,
            reqwest::Method::POST,
            &format!("/sessions/{SESSION}/join"),
            Some(json!({
                "participant": "00000000-0000-0000-0000-000000000101",
                "user": "00000000-0000-0000-0000-000000000001",
                "quantity": 5,
                "expected_unit_price": {"amount": "100000", "currency": "IDR"},
                "quote": {"id": quote_id, "courier": "jne", "service": "reg"},
            })),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{joined}");
    // 500 000 + 5 × 10 000 + 45 000 + 15 000.
    assert_eq!(joined["cost"]["total"]["amount"], "610000");
    assert!(joined["invoice"]["url"].as_str().is_some(), "{joined}");
    let payment = joined["payment"].as_str().unwrap();
    let (code, paid) = c
        .post(&format!("/simulator/payments/{payment}/pay"), json!({}))
        .await;
    assert_eq!(code, StatusCode::OK, "{paid}");
    assert_eq!(paid["result"], "applied");
    let (code, again) = c
        .post(&format!("/simulator/payments/{payment}/pay"), json!({}))
        .await;
    assert_eq!(code, StatusCode::CONFLICT, "{again}");

    // Xendit webhooks are refused: no callback token is configured.
    let (code, body) = c.post("/webhooks/xendit/invoice", json!({"id": "x"})).await;
    assert_eq!(code, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"]["code"], "xendit.webhook.token_not_configured");

    clock.set(at(12));
    let mut confirmed = false;
    for _ in 0..500 {
        let (_, status) = c.get(&format!("/sessions/{SESSION}")).await;
        if status["status"] == "confirmed" {
            confirmed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        confirmed,
        "the session confirms once the clock reaches its end"
    );
    let (_, wallet) = c.get("/wallets/00000000-0000-0000-0000-000000000001").await;
    assert_eq!(
        wallet["available"]["amount"], "100000",
        "5 × (100 000 − 80 000)"
    );
    let (_, reconciliation) = c.get("/admin/reconciliation").await;
    assert_eq!(reconciliation["clean"], true, "{reconciliation}");

    // The shopper's order, with the delivery the quoted join chose.
    let (code, orders) = c
        .call_as(
            &shopper,
            reqwest::Method::GET,
            "/users/00000000-0000-0000-0000-000000000001/orders",
            None,
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{orders}");
    assert_eq!(orders.as_array().unwrap().len(), 1, "{orders}");
    assert_eq!(orders[0]["delivery"]["offer"]["courier"], "jne", "{orders}");

    // The shopper's inbox: the payment, the success and the confirmation, each
    // delivered; one is marked read.
    let inbox_path = "/users/00000000-0000-0000-0000-000000000001/notifications";
    let mut inbox = Value::Null;
    for _ in 0..500 {
        let (code, body) = c
            .call_as(&shopper, reqwest::Method::GET, inbox_path, None)
            .await;
        assert_eq!(code, StatusCode::OK, "{body}");
        let delivered = body
            .as_array()
            .unwrap()
            .iter()
            .all(|e| !e["delivered_at"].is_null());
        if body.as_array().unwrap().len() == 3 && delivered {
            inbox = body;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let entries = inbox.as_array().expect("three delivered notifications");
    assert_eq!(
        notified(&notify).await,
        entries.len(),
        "each entry went to the endpoint, signed"
    );
    let entry = entries[0]["id"].as_str().unwrap();
    let (code, read) = c
        .call_as(
            &shopper,
            reqwest::Method::POST,
            &format!("{inbox_path}/{entry}/read"),
            Some(json!({})),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{read}");
    assert!(!read["read_at"].is_null());

    // Biteship: the installation probe passes; a webhook needs its signature.
    let (code, probe) = c.post("/webhooks/biteship", json!({})).await;
    assert_eq!(
        (code, probe["result"].clone()),
        (StatusCode::OK, json!("probe"))
    );
    let hook =
        br#"{"event":"order.status","order_id":"5dd599ebdefcd4158eb8470b","status":"picked"}"#;
    let signature =
        patungan_biteship::signature_hex(&patungan_biteship::Secret::new(HOOK_SECRET), hook);
    for (sig, expected) in [
        ("0".repeat(64), StatusCode::UNAUTHORIZED),
        (signature.clone(), StatusCode::OK),
    ] {
        let response = c
            .http
            .post(format!("{}/webhooks/biteship", c.base))
            .header("content-type", "application/json")
            .header("x-biteship-signature", sig)
            .body(hook.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected);
    }
    let response = c
        .http
        .post(format!("{}/webhooks/biteship", c.base))
        .header("x-biteship-signature", signature)
        .body(hook.to_vec())
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["result"], "duplicate");

    // Unknown routes and methods answer JSON errors too.
    let (code, body) = c.get("/nope").await;
    assert_eq!(
        (code, body["error"]["code"].clone()),
        (StatusCode::NOT_FOUND, json!("request.no_route"))
    );
    let (code, body) = c.get(&format!("/sessions/{SESSION}/join")).await;
    assert_eq!(code, StatusCode::METHOD_NOT_ALLOWED, "{body}");

    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
