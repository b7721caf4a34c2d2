//! The end-to-end harness: the service on 127.0.0.1 (random port) with a manual
//! clock, a fake Xendit, and PostgreSQL when `DATABASE_URL` is set.
#![allow(dead_code)]

pub mod db;
pub mod fake_biteship;
pub mod fake_xendit;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use patungan_core::UserId;
use patungan_service::auth::token::Issuer;
use patungan_service::auth::Role;
use patungan_service::clock::ManualClock;
use patungan_service::config::Config;
use patungan_service::Service;
use reqwest::StatusCode;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use db::TestDb;
use fake_biteship::FakeBiteship;
use fake_xendit::{FakeXendit, SECRET_KEY};

pub const CALLBACK_TOKEN: &str = "e2e-callback-token-0123456789";
/// The Biteship webhook secret the harness configures.
pub const BITESHIP_SECRET: &str = "e2e-biteship-webhook-secret";
/// The HS256 secret, issuer and audience the harness configures.
pub const JWT_SECRET: &str = "e2e-jwt-secret-0123456789abcdef-0123456789";
pub const JWT_ISSUER: &str = "patungan-tests";
pub const JWT_AUDIENCE: &str = "patungan-service";
/// The admin the harness' plain `get` and `post` act as.
pub const ADMIN: UserId = UserId::from_u128(0xAD);

/// The issuer of the harness' tokens.
pub fn issuer() -> Issuer {
    Issuer::hs256(JWT_SECRET.as_bytes(), JWT_ISSUER, JWT_AUDIENCE)
}

/// A token for `user` as `role`, valid for an hour.
pub fn token(user: UserId, role: Role) -> String {
    issuer().mint(user, role, 3600).unwrap()
}

/// The variables that configure the harness' JWT verification.
pub fn jwt_var(name: &str) -> Option<String> {
    match name {
        "PATUNGAN_JWT_HS256_SECRET" => Some(JWT_SECRET.to_owned()),
        "PATUNGAN_JWT_ISSUER" => Some(JWT_ISSUER.to_owned()),
        "PATUNGAN_JWT_AUDIENCE" => Some(JWT_AUDIENCE.to_owned()),
        _ => None,
    }
}

pub struct Harness {
    pub base: String,
    pub http: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub xendit: FakeXendit,
    /// The fake Biteship, when the harness was started with one
    /// ([`Harness::start_with_biteship`]); simulated shipping otherwise.
    pub shipping: Option<FakeBiteship>,
    pub store: &'static str,
    /// An admin's token (what `get` and `post` send).
    pub admin: String,
    db: Option<TestDb>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

impl Harness {
    /// Starts the fake Xendit and the service (its clock at `at`), with simulated
    /// shipping.
    pub async fn start(test: &str, at: DateTime<Utc>) -> Harness {
        Harness::start_with(test, at, false).await
    }

    /// Starts the fake Xendit, a fake Biteship and the service (its clock at `at`),
    /// the service using the real Biteship adapter against the fake.
    pub async fn start_with_biteship(test: &str, at: DateTime<Utc>) -> Harness {
        Harness::start_with(test, at, true).await
    }

    async fn start_with(test: &str, at: DateTime<Utc>, biteship: bool) -> Harness {
        // Warnings only unless RUST_LOG says otherwise, through the test harness' capture.
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
        let clock = Arc::new(ManualClock::new(at));
        let xendit = FakeXendit::start(clock.clone()).await;
        let shipping = if biteship {
            Some(FakeBiteship::start(clock.clone()).await)
        } else {
            None
        };
        let db = TestDb::new(test).await;
        let mut config = Config::from_lookup(|name| match name {
            "XENDIT_SECRET_KEY" => Some(SECRET_KEY.to_owned()),
            "XENDIT_BASE_URL" => Some(xendit.uri()),
            "XENDIT_CALLBACK_TOKEN" => Some(CALLBACK_TOKEN.to_owned()),
            "DATABASE_URL" => db.as_ref().map(|d| d.url.clone()),
            "PATUNGAN_DB_SCHEMA" => db.as_ref().map(|d| d.schema.clone()),
            "BITESHIP_WEBHOOK_SECRET" => Some(BITESHIP_SECRET.to_owned()),
            // These journeys give joins' courier prices directly (a quoted join is
            // tested on its own).
            "PATUNGAN_JOIN_COURIER_PRICE" => Some("given".to_owned()),
            "BITESHIP_API_KEY" => shipping.as_ref().map(|_| fake_biteship::API_KEY.to_owned()),
            "BITESHIP_BASE_URL" => shipping.as_ref().map(FakeBiteship::uri),
            other => jwt_var(other),
        })
        .unwrap();
        config.listen = "127.0.0.1:0".parse().unwrap();
        config.tick_interval = Duration::from_millis(25);
        config.join_wait = Duration::from_secs(10);
        let service = Service::new(&config, clock.clone()).await.unwrap();
        let store = service.state().parts.store;
        assert_eq!(service.state().parts.gateway, "xendit");
        let expected_shipping = if biteship { "biteship" } else { "simulated" };
        assert_eq!(service.state().parts.shipping, expected_shipping);
        let listener = TcpListener::bind(config.listen).await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(service.serve(listener, async {
            let _ = rx.await;
        }));
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Harness {
            base,
            http,
            clock,
            xendit,
            shipping,
            store,
            admin: token(ADMIN, Role::Admin),
            db,
            shutdown: Some(tx),
            server: Some(server),
        }
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request.send().await.unwrap();
        let status = response.status();
        let bytes = response.bytes().await.unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                panic!(
                    "{status}: not JSON ({e}): {}",
                    String::from_utf8_lossy(&bytes)
                )
            })
        };
        (status, body)
    }

    /// The fake Biteship (the harness must have been started with one).
    pub fn fake_biteship(&self) -> &FakeBiteship {
        self.shipping
            .as_ref()
            .expect("the harness runs without a fake Biteship")
    }

    /// A shopper's token for `user`.
    pub fn shopper(&self, user: UserId) -> String {
        token(user, Role::Shopper)
    }

    /// GET as the admin.
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.get_as(&self.admin, path).await
    }

    /// POST as the admin.
    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.post_as(&self.admin, path, body).await
    }

    /// GET with `token`.
    pub async fn get_as(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.send(
            self.http
                .get(format!("{}{path}", self.base))
                .bearer_auth(token),
        )
        .await
    }

    /// POST with `token`.
    pub async fn post_as(&self, token: &str, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(
            self.http
                .post(format!("{}{path}", self.base))
                .bearer_auth(token)
                .json(body),
        )
        .await
    }

    /// POSTs `body` as JSON text with `token`.
    pub async fn post_raw_as(&self, token: &str, path: &str, body: &str) -> (StatusCode, Value) {
        self.send(
            self.http
                .post(format!("{}{path}", self.base))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body.to_owned()),
        )
        .await
    }

    /// POSTs a Biteship webhook signed with the harness' secret.
    pub async fn biteship(&self, body: &str) -> (StatusCode, Value) {
        let signature = patungan_biteship::signature_hex(
            &patungan_biteship::Secret::new(BITESHIP_SECRET),
            body.as_bytes(),
        );
        self.send(
            self.http
                .post(format!("{}/webhooks/biteship", self.base))
                .header("content-type", "application/json")
                .header(patungan_biteship::SIGNATURE_HEADER, signature)
                .body(body.to_owned()),
        )
        .await
    }

    /// POSTs `body` as JSON text without a token (webhooks).
    pub async fn post_raw(&self, path: &str, body: &str) -> (StatusCode, Value) {
        self.send(
            self.http
                .post(format!("{}{path}", self.base))
                .header("content-type", "application/json")
                .body(body.to_owned()),
        )
        .await
    }

    /// Posts a webhook the way Xendit does: the JSON body and the static token.
    pub async fn callback(
        &self,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(body).unwrap());
        if let Some(token) = token {
            request = request.header("x-callback-token", token);
        }
        self.send(request).await
    }

    /// Polls `check` until it holds (at most 20 s).
    pub async fn wait_for<F, Fut>(&self, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = bool>,
    {
        let started = Instant::now();
        while !check().await {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
        if let Some(db) = self.db.take() {
            db.drop_schema().await;
        }
    }
}
