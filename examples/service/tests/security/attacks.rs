//! Named attacks (issue 12) that must fail, forged webhooks, and hostile bodies on
//! every POST route.

use patungan_core::{ParticipantId, WithdrawalId};
use patungan_service::auth::{Owner, Role, Rule};
use patungan_service::routes::{Endpoint, Verb, ROUTES};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::fixture::*;
use crate::matrix::{body, path, CALLERS};

async fn available(f: &Fixture) -> Value {
    let (code, wallet) = f
        .get(&token(OWNER, Role::Shopper), &format!("/wallets/{OWNER}"))
        .await;
    assert_eq!(code, StatusCode::OK, "{wallet}");
    wallet["available"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withdrawal_theft_is_refused() {
    let f = Fixture::start().await;
    let before = available(&f).await;
    assert_eq!(before, idr(50_000), "the fixture's withdrawal holds 50 000");
    let thief = token(OTHER, Role::Shopper);
    let steal = withdrawal_body(WithdrawalId::from_u128(0x7E), 40_000, "9999999999");
    let path = format!("/wallets/{OWNER}/withdrawals");
    let (code, body) = f.post(&thief, &path, &steal).await;
    assert_eq!(code, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "auth.forbidden");
    // Not as a warehouse user, not as an admin, not without a token.
    for token in [token(WAREHOUSE, Role::Warehouse), token(ADMIN, Role::Admin)] {
        let (code, _) = f.post(&token, &path, &steal).await;
        assert_eq!(code, StatusCode::FORBIDDEN);
    }
    let response = f
        .http
        .post(format!("{}{path}", f.base))
        .json(&steal)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_eq!(available(&f).await, before, "nothing was held");
    let (code, _) = f
        .get(
            &token(ADMIN, Role::Admin),
            &format!("/withdrawals/{}", WithdrawalId::from_u128(0x7E)),
        )
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND, "no withdrawal was made");
    f.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_another_users_wallet_withdrawal_or_participant_is_a_404() {
    let f = Fixture::start().await;
    let other = token(OTHER, Role::Shopper);
    let (code, body) = f.get(&other, &format!("/wallets/{OWNER}")).await;
    assert_eq!(code, StatusCode::NOT_FOUND, "{body}");
    assert!(!body.to_string().contains("available"), "{body}");
    // Someone else's withdrawal and participant answer exactly like unknown ones, so
    // their ids cannot be probed and their user ids do not leak.
    let theirs = f.get(&other, &format!("/withdrawals/{WITHDRAWAL}")).await;
    let unknown = WithdrawalId::from_u128(0xFFFF);
    let (code, mut none) = f.get(&other, &format!("/withdrawals/{unknown}")).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    none["error"]["message"] = Value::from(
        none["error"]["message"]
            .as_str()
            .unwrap()
            .replace(&unknown.to_string(), &WITHDRAWAL.to_string()),
    );
    assert_eq!(theirs, (StatusCode::NOT_FOUND, none));
    let participant = format!("/sessions/{SESSION}/participants/{PARTICIPANT}");
    let (code, body) = f.get(&other, &participant).await;
    assert_eq!(code, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["code"], "session.unknown_participant");
    assert!(!body.to_string().contains(&OWNER.to_string()), "{body}");
    // The owner and an admin see them.
    for token in [token(OWNER, Role::Shopper), token(ADMIN, Role::Admin)] {
        let (code, body) = f.get(&token, &participant).await;
        assert_eq!(code, StatusCode::OK, "{body}");
        let (code, body) = f.get(&token, &format!("/withdrawals/{WITHDRAWAL}")).await;
        assert_eq!(code, StatusCode::OK, "{body}");
    }
    f.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joining_as_another_user_is_refused() {
    let f = Fixture::start().await;
    let other = token(OTHER, Role::Shopper);
    let victim_join = ParticipantId::from_u128(0x6001);
    let path = format!("/sessions/{OPEN_SESSION}/join");
    let (code, body) = f.post(&other, &path, &join_body(victim_join, OWNER)).await;
    assert_eq!(code, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "auth.forbidden");
    // A duplicated `user` field cannot smuggle the victim in either.
    let smuggled = format!(
        r#"{{"participant":"{victim_join}","user":"{OTHER}","user":"{OWNER}","quantity":1,
            "expected_unit_price":{{"amount":"100000","currency":"IDR"}},
            "courier_price":{{"amount":"12000","currency":"IDR"}}}}"#
    );
    let (code, body) = f
        .send(
            f.http
                .post(format!("{}{path}", f.base))
                .bearer_auth(&other)
                .header("content-type", "application/json")
                .body(smuggled),
        )
        .await;
    assert!(
        code == StatusCode::BAD_REQUEST || code == StatusCode::FORBIDDEN,
        "{code} {body}"
    );
    let (code, _) = f
        .get(
            &token(ADMIN, Role::Admin),
            &format!("/sessions/{OPEN_SESSION}/participants/{victim_join}"),
        )
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND, "no participant was made");
    // Joining as oneself works.
    let (code, body) = f.post(&other, &path, &join_body(victim_join, OTHER)).await;
    assert_eq!(code, StatusCode::CREATED, "{body}");
    f.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaving_for_another_user_is_refused() {
    let f = Fixture::start().await;
    let owner = token(OWNER, Role::Shopper);
    let joined = ParticipantId::from_u128(0x6002);
    let (code, body) = f
        .post(
            &owner,
            &format!("/sessions/{OPEN_SESSION}/join"),
            &join_body(joined, OWNER),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{body}");
    let participant = format!("/sessions/{OPEN_SESSION}/participants/{joined}");
    for token in [
        token(OTHER, Role::Shopper),
        token(WAREHOUSE, Role::Warehouse),
        token(ADMIN, Role::Admin),
    ] {
        let (code, body) = f
            .post(&token, &format!("{participant}/leave"), &json!({}))
            .await;
        assert_eq!(code, StatusCode::FORBIDDEN, "{body}");
    }
    let (_, view) = f.get(&owner, &participant).await;
    assert_eq!(view["participant"]["status"], "pending", "{view}");
    let (code, view) = f
        .post(&owner, &format!("{participant}/leave"), &json!({}))
        .await;
    assert_eq!(code, StatusCode::OK, "{view}");
    assert_eq!(view["participant"]["status"], "left");
    f.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_and_unsigned_biteship_webhooks_are_refused() {
    let f = Fixture::start().await;
    let hook =
        r#"{"event":"order.status","order_id":"5dd599ebdefcd4158eb8470b","status":"picked"}"#;
    let forged = patungan_biteship::signature_hex(
        &patungan_biteship::Secret::new("a guessed secret"),
        hook.as_bytes(),
    );
    let admin = token(ADMIN, Role::Admin);
    for (signature, code) in [
        (None, "biteship.webhook.missing_signature"),
        (Some(forged.as_str()), "biteship.webhook.invalid_signature"),
        (Some("not hex"), "biteship.webhook.malformed_signature"),
    ] {
        let mut request = f
            .http
            .post(format!("{}/webhooks/biteship", f.base))
            .header("content-type", "application/json")
            // A valid JWT does not stand in for the provider's signature.
            .bearer_auth(&admin)
            .body(hook);
        if let Some(signature) = signature {
            request = request.header(patungan_biteship::SIGNATURE_HEADER, signature);
        }
        let (status, body) = f.send(request).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["error"]["code"], code, "{body}");
    }
    f.stop().await;
}

/// Posts `length` declared bytes with `Expect: 100-continue` over a raw connection
/// (the service refuses from the declared length, before the body is sent).
async fn post_declaring(f: &Fixture, path: &str, length: usize, token: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = f.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n\
         Expect: 100-continue\r\nConnection: close\r\n\r\n"
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
async fn nul_bytes_and_ten_megabyte_bodies_on_every_post_route_are_a_4xx() {
    let f = Fixture::start().await;
    let mut failures = Vec::new();
    for spec in ROUTES.iter().filter(|r| r.verb == Verb::Post) {
        let path = path(spec);
        let fitting = body(spec).to_string();
        // A NUL escaped inside a string, a raw NUL byte, and a NUL in every string value.
        let nul_everywhere = fitting.replace("\":\"", "\":\"\\u0000");
        let mut bodies: Vec<Vec<u8>> = vec![
            br#"{"user":"\u0000","id":"\u0000"}"#.to_vec(),
            b"{\"user\":\"\0\"}".to_vec(),
        ];
        if nul_everywhere != fitting {
            bodies.push(nul_everywhere.into_bytes());
        }
        for caller in CALLERS {
            let token = caller.token();
            for bytes in &bodies {
                let mut request = f
                    .http
                    .post(format!("{}{path}", f.base))
                    .header("content-type", "application/json")
                    .body(bytes.clone());
                if let Some(token) = &token {
                    request = request.bearer_auth(token);
                }
                let (status, body) = f.send(request).await;
                // Routes that read no body answer for the state they act on (never
                // a 5xx); the others refuse the body.
                let reads_body = matches!(
                    spec.rule,
                    Rule::Webhook | Rule::Owner(Owner::BodyUser) | Rule::Owner(Owner::PathUser)
                ) || matches!(
                    spec.endpoint,
                    Endpoint::CreateSession | Endpoint::SimulatorSettlePayouts
                );
                if status.is_server_error() || (reads_body && !status.is_client_error()) {
                    failures.push(format!("{path} as {caller:?}: NUL body → {status} {body}"));
                }
            }
            let status = post_declaring(&f, &path, 10 << 20, token.as_deref().unwrap_or("")).await;
            if status != 413 {
                failures.push(format!("{path} as {caller:?}: 10 MB → {status}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    f.stop().await;
}
