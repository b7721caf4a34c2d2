//! A simulated service with JWT verification, a confirmed session whose owner has
//! cashback in the wallet and a withdrawal, and tokens of every kind.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use patungan_core::session::SessionConfig;
use patungan_core::WithdrawalId;
use patungan_core::{Money, Moq, ParticipantId, ProductId, SessionId, TierLadder, UserId};
use patungan_service::auth::token::{unix_now, Issuer};
use patungan_service::auth::Role;
use patungan_service::clock::ManualClock;
use patungan_service::config::Config;
use patungan_service::Service;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const SECRET: &str = "security-matrix-secret-0123456789abcdef";
pub const ISSUER: &str = "security-tests";
pub const AUDIENCE: &str = "patungan-service";
pub const HOOK_SECRET: &str = "security-biteship-secret";

/// The shopper who owns the fixture's participant, wallet and withdrawal.
pub const OWNER: UserId = UserId::from_u128(0x0A);
/// Another shopper.
pub const OTHER: UserId = UserId::from_u128(0x0B);
pub const WAREHOUSE: UserId = UserId::from_u128(0x0C);
pub const ADMIN: UserId = UserId::from_u128(0x0D);

/// The confirmed session and the owner's paid participant in it.
pub const SESSION: SessionId = SessionId::from_u128(0x5E);
pub const PARTICIPANT: ParticipantId = ParticipantId::from_u128(0x5E01);
/// An open session (ends at 23:00).
pub const OPEN_SESSION: SessionId = SessionId::from_u128(0x5F);
/// The owner's withdrawal.
pub const WITHDRAWAL: WithdrawalId = WithdrawalId::from_u128(0x3D);

pub fn at(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, h, 0, 0).unwrap()
}

pub fn issuer() -> Issuer {
    Issuer::hs256(SECRET.as_bytes(), ISSUER, AUDIENCE)
}

/// A valid token (an hour).
pub fn token(user: UserId, role: Role) -> String {
    issuer().mint(user, role, 3600).unwrap()
}

/// An admin token that expired ten minutes ago (beyond the 30 s leeway).
pub fn expired() -> String {
    let issuer = issuer();
    issuer
        .sign(&issuer.claims(ADMIN, Role::Admin, unix_now() - 4200, 3600))
        .unwrap()
}

/// An admin token signed with another secret.
pub fn bad_signature() -> String {
    Issuer::hs256(b"not-the-service-secret-0123456789abcdef", ISSUER, AUDIENCE)
        .mint(ADMIN, Role::Admin, 3600)
        .unwrap()
}

/// An admin token for another audience.
pub fn wrong_audience() -> String {
    Issuer::hs256(SECRET.as_bytes(), ISSUER, "another-service")
        .mint(ADMIN, Role::Admin, 3600)
        .unwrap()
}

pub fn idr(amount: u64) -> Value {
    json!({"amount": amount.to_string(), "currency": "IDR"})
}

fn session_config(end: DateTime<Utc>) -> SessionConfig {
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
    SessionConfig::new(
        ProductId::from_u128(1),
        Moq::new(10).unwrap(),
        ladder,
        at(0),
        end,
        Money::idr(100_000),
    )
}

/// A join body for `user` (5 units at the group price).
pub fn join_body(participant: ParticipantId, user: UserId) -> Value {
    json!({
        "participant": participant,
        "user": user,
        "quantity": 5,
        "expected_unit_price": idr(100_000),
        "courier_price": idr(12_000),
    })
}

/// A withdrawal body to `account`.
pub fn withdrawal_body(id: WithdrawalId, amount: u64, account: &str) -> Value {
    json!({
        "id": id,
        "amount": idr(amount),
        "bank_code": "BCA",
        "account_number": account,
        "holder_name": "Pemilik",
    })
}

pub struct Fixture {
    pub base: String,
    pub http: reqwest::Client,
    pub clock: Arc<ManualClock>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

impl Fixture {
    /// Starts the service and builds the fixture's resources.
    pub async fn start() -> Fixture {
        Fixture::start_with(&[]).await
    }

    /// Starts the service with `extra` variables too.
    pub async fn start_with(extra: &[(&str, &str)]) -> Fixture {
        crate::logs::capture();
        let clock = Arc::new(ManualClock::new(at(1)));
        let mut config = Config::from_lookup(|name| {
            let value = match name {
                "PATUNGAN_JWT_HS256_SECRET" => SECRET,
                "PATUNGAN_JWT_ISSUER" => ISSUER,
                "PATUNGAN_JWT_AUDIENCE" => AUDIENCE,
                "BITESHIP_WEBHOOK_SECRET" => HOOK_SECRET,
                other => match extra.iter().find(|(k, _)| *k == other) {
                    Some((_, value)) => value,
                    // The fixture's joins give their courier price directly.
                    None if other == "PATUNGAN_JOIN_COURIER_PRICE" => "given",
                    None => return None,
                },
            };
            Some(value.to_owned())
        })
        .unwrap();
        config.listen = "127.0.0.1:0".parse().unwrap();
        config.tick_interval = Duration::from_millis(20);
        let service = Service::new(&config, clock.clone()).await.unwrap();
        let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(service.serve(listener, async {
            let _ = stopped.await;
        }));
        let f = Fixture {
            base,
            http: reqwest::Client::new(),
            clock,
            stop: Some(stop),
            server: Some(server),
        };
        f.build().await;
        f
    }

    async fn build(&self) {
        let admin = token(ADMIN, Role::Admin);
        let owner = token(OWNER, Role::Shopper);
        for (id, end) in [(SESSION, at(12)), (OPEN_SESSION, at(23))] {
            let body = json!({"id": id, "config": session_config(end)});
            let (code, answer) = self.post(&admin, "/admin/sessions", &body).await;
            assert_eq!(code, StatusCode::CREATED, "{answer}");
        }
        let path = format!("/sessions/{SESSION}/join");
        let (code, joined) = self
            .post(&owner, &path, &join_body(PARTICIPANT, OWNER))
            .await;
        assert_eq!(code, StatusCode::CREATED, "{joined}");
        let payment = joined["payment"].as_str().unwrap().to_owned();
        let pay = format!("/simulator/payments/{payment}/pay");
        let (code, paid) = self.post(&admin, &pay, &json!({})).await;
        assert_eq!(code, StatusCode::OK, "{paid}");
        // The session ends: 5 × (100 000 − 80 000) cashback to the owner's wallet.
        self.clock.set(at(12));
        for _ in 0..500 {
            let (_, wallet) = self.get(&owner, &format!("/wallets/{OWNER}")).await;
            if wallet["available"]["amount"] == "100000" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let (code, body) = self
            .post(
                &owner,
                &format!("/wallets/{OWNER}/withdrawals"),
                &withdrawal_body(WITHDRAWAL, 50_000, "1234567890"),
            )
            .await;
        assert_eq!(code, StatusCode::ACCEPTED, "{body}");
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request.send().await.unwrap();
        let status = response.status();
        let bytes = response.bytes().await.unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.send(
            self.http
                .get(format!("{}{path}", self.base))
                .bearer_auth(token),
        )
        .await
    }

    pub async fn post(&self, token: &str, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(
            self.http
                .post(format!("{}{path}", self.base))
                .bearer_auth(token)
                .json(body),
        )
        .await
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
    }
}
