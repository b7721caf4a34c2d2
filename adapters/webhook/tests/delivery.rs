//! Deliveries against a local endpoint (wiremock on 127.0.0.1): what is sent, how it
//! is signed, and how the endpoint's answers are classed for the engine's retries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::Duration;

use chrono::{TimeZone, Utc};
use patungan_core::inbox::InboxEntry;
use patungan_core::session::Notification;
use patungan_core::{ParticipantId, SessionId, UserId};
use patungan_ports::{FactoryChannel, FactoryMessage, Notifier};
use patungan_webhook::{verify, Secret, WebhookConfig, WebhookSender};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW: i64 = 1_800_000_000;

fn fixed_clock() -> i64 {
    NOW
}

async fn endpoint(status: u16, headers: &[(&str, &str)]) -> (MockServer, WebhookSender) {
    let server = MockServer::start().await;
    let mut answer = ResponseTemplate::new(status);
    for (name, value) in headers {
        answer = answer.insert_header(*name, *value);
    }
    Mock::given(method("POST"))
        .and(path("/hooks"))
        .respond_with(answer)
        .mount(&server)
        .await;
    let config = WebhookConfig::new(format!("{}/hooks", server.uri()), Secret::new(SECRET));
    let sender = WebhookSender::new(&config).unwrap().with_clock(fixed_clock);
    (server, sender)
}

fn entry() -> InboxEntry {
    let notification = Notification::PaymentReceived {
        participant: ParticipantId::from_u128(3),
        user: UserId::from_u128(7),
    };
    let at = Utc.with_ymd_and_hms(2026, 12, 5, 9, 0, 0).unwrap();
    let key = uuid_of(0xAB);
    InboxEntry::for_recipients(
        key,
        SessionId::from_u128(1),
        &notification,
        &[UserId::from_u128(7)],
        at,
    )
    .remove(0)
}

fn uuid_of(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}

/// The deliveries the endpoint received: (webhook-id, body), each signature checked
/// as a receiver would.
async fn received(server: &MockServer) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for request in server.received_requests().await.unwrap() {
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
        verify(
            SECRET,
            &id,
            &header("webhook-timestamp"),
            &header("webhook-signature"),
            &request.body,
            NOW + 10,
            300,
        )
        .expect("a valid signature");
        assert_eq!(header("content-type"), "application/json");
        out.push((id, serde_json::from_slice(&request.body).unwrap()));
    }
    out
}

#[tokio::test]
async fn a_notification_goes_out_signed_under_its_entry_id_every_time() {
    let (server, sender) = endpoint(204, &[]).await;
    let entry = entry();
    sender.deliver(&entry).await.unwrap();
    sender.deliver(&entry).await.unwrap();
    let got = received(&server).await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].0, got[1].0, "a retry keeps the message id");
    assert_eq!(got[0].0, format!("inbox_{}", entry.id.simple()));
    let body = &got[0].1;
    assert_eq!(body["type"], "inbox.entry");
    assert_eq!(body["timestamp"], NOW);
    let data: InboxEntry = serde_json::from_value(body["data"].clone()).unwrap();
    assert_eq!(data, entry);
}

#[tokio::test]
async fn purchase_orders_reach_the_factory_as_issued_and_cancelled_events() {
    let (server, sender) = endpoint(200, &[]).await;
    let session = SessionId::from_u128(0x50);
    let cancelled = FactoryMessage::PurchaseOrderCancelled {
        session,
        cancelled_at: Utc.with_ymd_and_hms(2026, 12, 5, 10, 0, 0).unwrap(),
    };
    sender.send(&cancelled).await.unwrap();
    let got = received(&server).await;
    assert_eq!(got[0].1["type"], "purchase_order.cancelled");
    assert_eq!(got[0].1["data"]["session"], serde_json::json!(session));
    assert!(
        got[0].0.starts_with("po_purchase_order_cancelled_"),
        "{}",
        got[0].0
    );
    let back: FactoryMessage = serde_json::from_value(got[0].1["data"].clone()).unwrap();
    assert_eq!(back, cancelled);
}

#[tokio::test]
async fn busy_or_failing_endpoints_are_retried_and_refusals_are_not() {
    for (status, retryable) in [
        (503, true),
        (500, true),
        (429, true),
        (408, true),
        (400, false),
        (401, false),
        (404, false),
    ] {
        let (_server, sender) = endpoint(status, &[("retry-after", "7")]).await;
        let error = sender.deliver(&entry()).await.unwrap_err();
        assert_eq!(error.is_retryable(), retryable, "{status}: {error}");
        assert_eq!(error.code, format!("HTTP_{status}"));
        assert_eq!(error.retry_after, Some(Duration::from_secs(7)));
        assert_eq!(
            (error.provider, error.operation),
            ("webhook", "deliver_notification")
        );
    }
}

#[tokio::test]
async fn an_endpoint_that_is_not_there_is_retried() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    drop(listener);
    let sender = WebhookSender::new(&WebhookConfig::new(url, Secret::new("s3cret"))).unwrap();
    let error = sender.deliver(&entry()).await.unwrap_err();
    assert!(error.is_retryable(), "{error}");
}

#[test]
fn a_bad_url_or_secret_is_refused_when_the_sender_is_built() {
    let bad_url = WebhookConfig::new("ftp://factory", Secret::new("s3cret"));
    assert!(WebhookSender::new(&bad_url).is_err());
    let bad_secret = WebhookConfig::new("https://factory.example/hooks", Secret::new("whsec_***"));
    assert!(WebhookSender::new(&bad_secret).is_err());
    let empty = WebhookConfig::new("https://factory.example/hooks", Secret::new(""));
    assert!(WebhookSender::new(&empty).is_err());
}
