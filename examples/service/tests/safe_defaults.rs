//! Safe defaults (docs/domain.md §12): with no variable the binary runs simulated,
//! says so, and prints development tokens that work; a real provider without
//! authentication refuses to start; Biteship webhooks are refused without a
//! configured secret, signed or not.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

/// The binary with only `vars` set (and the listen address on a free port).
fn spawn(vars: &[(&str, &str)]) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_patungan-service"));
    command
        .env_clear()
        .env("PATUNGAN_LISTEN", "127.0.0.1:0")
        .env("PATUNGAN_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in vars {
        command.env(name, value);
    }
    command.spawn().unwrap()
}

/// Reads the child's standard output until it listens: the tokens by role, the
/// address, and every line read.
fn read_start(child: &mut Child) -> (Vec<(String, String)>, String, Vec<String>) {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let mut tokens = Vec::new();
    let mut lines = Vec::new();
    loop {
        let line = rx.recv_timeout(Duration::from_secs(60)).unwrap();
        lines.push(line.clone());
        if let Some(rest) = line.strip_prefix("export ") {
            let (name, value) = rest.split_once('=').unwrap();
            let token = value.split_whitespace().next().unwrap().to_owned();
            tokens.push((name.to_owned(), token));
        }
        if let Ok(json) = serde_json::from_str::<Value>(&line) {
            if json["fields"]["message"] == "listening" {
                let addr = json["fields"]["addr"].as_str().unwrap().to_owned();
                return (tokens, addr, lines);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_variables_the_binary_prints_working_development_tokens() {
    let mut child = spawn(&[]);
    let (tokens, addr, lines) = read_start(&mut child);
    let token = |name: &str| {
        tokens
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| panic!("no {name} in {lines:?}"))
    };
    let (shopper, admin) = (token("SHOPPER_TOKEN"), token("ADMIN_TOKEN"));
    let _ = token("WAREHOUSE_TOKEN");
    assert!(
        lines.iter().any(|l| l.contains("development run")),
        "it says so: {lines:?}"
    );
    // No log line (JSON) carries a token.
    for line in lines.iter().filter(|l| l.starts_with('{')) {
        assert!(!line.contains(&admin) && !line.contains(&shopper), "{line}");
    }
    let http = reqwest::Client::new();
    let base = format!("http://{addr}");
    let get = |path: &str, token: Option<&str>| {
        let mut request = http.get(format!("{base}{path}"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(get("/health", None).await, StatusCode::OK);
    assert_eq!(
        get("/admin/reconciliation", Some(&admin)).await,
        StatusCode::OK
    );
    assert_eq!(
        get("/admin/reconciliation", Some(&shopper)).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get("/admin/reconciliation", None).await,
        StatusCode::UNAUTHORIZED
    );
    let mine = "/wallets/00000000-0000-0000-0000-000000000001";
    let theirs = "/wallets/00000000-0000-0000-0000-000000000009";
    assert_eq!(get(mine, Some(&shopper)).await, StatusCode::OK);
    assert_eq!(get(theirs, Some(&shopper)).await, StatusCode::NOT_FOUND);
    // Biteship webhooks: no secret is configured, so none is accepted.
    let hook =
        r#"{"event":"order.status","order_id":"5dd599ebdefcd4158eb8470b","status":"picked"}"#;
    let response = http
        .post(format!("{base}/webhooks/biteship"))
        .header("content-type", "application/json")
        .body(hook)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["error"]["code"], "biteship.webhook.secret_not_configured",
        "{body}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_real_provider_without_authentication_refuses_to_start() {
    for vars in [
        &[
            ("XENDIT_SECRET_KEY", "xnd_development_x"),
            ("XENDIT_CALLBACK_TOKEN", "token"),
        ][..],
        &[("BITESHIP_API_KEY", "biteship_test_x")][..],
    ] {
        let child = spawn(vars);
        let output = child.wait_with_output().unwrap();
        assert!(!output.status.success(), "{vars:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("no authentication"), "{stderr}");
        assert!(stderr.contains("PATUNGAN_JWT_HS256_SECRET"), "{stderr}");
        assert!(!stderr.contains("xnd_development_x"), "{stderr}");
    }
}

#[tokio::test]
async fn a_config_built_by_hand_with_a_real_provider_and_no_auth_is_refused_too() {
    use patungan_service::config::{Config, XenditSettings};
    let config = Config {
        xendit: Some(XenditSettings {
            secret_key: patungan_xendit::secret::Secret::new("xnd_development_x"),
            base_url: Some("http://127.0.0.1:9".to_owned()),
        }),
        xendit_callback_token: Some(patungan_xendit::secret::Secret::new("token")),
        ..Config::default()
    };
    let clock = std::sync::Arc::new(patungan_service::clock::SystemClock);
    let error = patungan_service::Service::new(&config, clock)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("without authentication"),
        "{error}"
    );
}
