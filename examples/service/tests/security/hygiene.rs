//! Limits and hygiene: 413 over 1 MiB on every route, per-user and per-IP rate limits
//! (429 with `Retry-After`), request ids, the CORS allow-list, and log lines free of
//! tokens, secrets and bank account numbers.

use patungan_core::{ParticipantId, WithdrawalId};
use patungan_service::auth::Role;
use patungan_service::routes::ROUTES;
use reqwest::StatusCode;

use crate::fixture::*;
use crate::matrix::path;

/// Declares `length` bytes with `Expect: 100-continue` and reads the status.
async fn declare(f: &Fixture, method: &str, path: &str, length: usize) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = f.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let text = String::from_utf8_lossy(&answer);
    text.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_one_mebibyte_is_a_413_on_every_route() {
    let f = Fixture::start().await;
    for spec in ROUTES {
        let status = declare(&f, spec.verb.as_str(), &path(spec), (1 << 20) + 1).await;
        assert_eq!(status, 413, "{} {}", spec.verb.as_str(), spec.path);
    }
    f.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joins_quotes_and_withdrawals_are_rate_limited_per_user() {
    let f = Fixture::start_with(&[("PATUNGAN_RATE_LIMIT_USER", "3")]).await;
    let other = token(OTHER, Role::Shopper);
    let preview = format!("/sessions/{OPEN_SESSION}/preview?extra=1");
    for _ in 0..3 {
        let (code, body) = f.get(&other, &preview).await;
        assert_eq!(code, StatusCode::OK, "{body}");
    }
    // The bucket is shared by the limited routes: a join is refused too.
    let join = join_body(ParticipantId::from_u128(0x7001), OTHER);
    let response = f
        .http
        .post(format!("{}/sessions/{OPEN_SESSION}/join", f.base))
        .bearer_auth(&other)
        .json(&join)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "request.rate_limited");
    // Another user is not affected; unlimited routes neither.
    let (code, _) = f.get(&token(WAREHOUSE, Role::Warehouse), &preview).await;
    assert_eq!(code, StatusCode::OK);
    let (code, _) = f.get(&other, &format!("/sessions/{OPEN_SESSION}")).await;
    assert_eq!(code, StatusCode::OK);
    f.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joins_quotes_and_withdrawals_are_rate_limited_per_ip() {
    // The fixture itself makes two limited calls (a join and a withdrawal).
    let f = Fixture::start_with(&[("PATUNGAN_RATE_LIMIT_IP", "6")]).await;
    let preview = format!("/sessions/{OPEN_SESSION}/preview?extra=1");
    let mut statuses = Vec::new();
    for n in 0..6u128 {
        let user = patungan_core::UserId::from_u128(0x100 + n);
        let (code, _) = f.get(&token(user, Role::Shopper), &preview).await;
        statuses.push(code.as_u16());
    }
    assert_eq!(statuses, [200, 200, 200, 200, 429, 429]);
    let withdraw = withdrawal_body(WithdrawalId::from_u128(0x7002), 10_000, "1234567890");
    let (code, body) = f
        .post(
            &token(OWNER, Role::Shopper),
            &format!("/wallets/{OWNER}/withdrawals"),
            &withdraw,
        )
        .await;
    assert_eq!(code, StatusCode::TOO_MANY_REQUESTS, "{body}");
    f.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_a_request_id() {
    let f = Fixture::start().await;
    let mut seen = std::collections::BTreeSet::new();
    for path in ["/health", "/admin/reconciliation", "/nope"] {
        let response = f
            .http
            .get(format!("{}{path}", f.base))
            .send()
            .await
            .unwrap();
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(id.len(), 36, "a UUID: {id}");
        assert!(seen.insert(id), "ids are unique");
    }
    let response = f
        .http
        .get(format!("{}/health", f.base))
        .header("x-request-id", "client-chosen-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "client-chosen-42");
    f.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_answers_only_the_configured_origins() {
    let f = Fixture::start_with(&[("PATUNGAN_CORS_ORIGINS", "https://shop.example")]).await;
    for (origin, allowed) in [
        ("https://shop.example", true),
        ("https://evil.example", false),
    ] {
        let response = f
            .http
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/wallets/{OWNER}", f.base),
            )
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
            .await
            .unwrap();
        let header = response.headers().get("access-control-allow-origin");
        assert_eq!(
            header.is_some(),
            allowed,
            "{origin}: {:?}",
            response.headers()
        );
        if allowed {
            assert_eq!(header.unwrap(), origin);
        }
    }
    f.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_log_line_carries_a_token_a_secret_or_an_account_number() {
    let f = Fixture::start().await;
    // Refused calls log too: a bad token, a thief, a webhook with a wrong signature.
    let _ = f.get(&bad_signature(), &format!("/wallets/{OWNER}")).await;
    let thief = token(OTHER, Role::Shopper);
    let steal = withdrawal_body(WithdrawalId::from_u128(0x7E), 1_000, "9999999999");
    let _ = f
        .post(&thief, &format!("/wallets/{OWNER}/withdrawals"), &steal)
        .await;
    let _ = f
        .send(
            f.http
                .post(format!("{}/webhooks/biteship", f.base))
                .header("x-biteship-signature", "00")
                .body(r#"{"event":"order.status"}"#),
        )
        .await;
    f.stop().await;
    let logs = crate::logs::text();
    assert!(logs.contains("withdrawal requested"), "the capture works");
    for (what, needle) in [
        ("a JWT", "eyJ"),
        ("the JWT secret", SECRET),
        ("the Biteship secret", HOOK_SECRET),
        ("an account number", "1234567890"),
        ("an account number", "9999999999"),
    ] {
        let line = logs.lines().find(|l| l.contains(needle));
        assert!(line.is_none(), "{what} in a log line: {line:?}");
    }
}
