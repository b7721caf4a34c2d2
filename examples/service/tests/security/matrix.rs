//! The security matrix, generated from the route table: every route × every kind of
//! caller → the status its rule implies. A route added to the table is in the matrix
//! with its rule; there is no other way to add one.

use patungan_core::{ParticipantId, PaymentId, WithdrawalId};
use patungan_service::auth::{Owner, Role, Rule};
use patungan_service::routes::{Endpoint, RouteSpec, Verb, ROUTES};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::fixture::*;

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    NoToken,
    Expired,
    BadSignature,
    WrongAudience,
    /// The shopper who owns the fixture's resources.
    Owner,
    /// Another shopper.
    OtherShopper,
    Warehouse,
    Admin,
}

pub const CALLERS: [Caller; 8] = [
    Caller::NoToken,
    Caller::Expired,
    Caller::BadSignature,
    Caller::WrongAudience,
    Caller::Owner,
    Caller::OtherShopper,
    Caller::Warehouse,
    Caller::Admin,
];

/// What a call must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Exactly this status.
    Status(StatusCode),
    /// Past the access check: neither 401 nor 403, and never a 5xx (the handler may
    /// still refuse the request for what it says).
    Allowed,
}

impl Caller {
    pub fn token(self) -> Option<String> {
        match self {
            Caller::NoToken => None,
            Caller::Expired => Some(expired()),
            Caller::BadSignature => Some(bad_signature()),
            Caller::WrongAudience => Some(wrong_audience()),
            Caller::Owner => Some(token(OWNER, Role::Shopper)),
            Caller::OtherShopper => Some(token(OTHER, Role::Shopper)),
            Caller::Warehouse => Some(token(WAREHOUSE, Role::Warehouse)),
            Caller::Admin => Some(token(ADMIN, Role::Admin)),
        }
    }

    fn role(self) -> Option<Role> {
        match self {
            Caller::Owner | Caller::OtherShopper => Some(Role::Shopper),
            Caller::Warehouse => Some(Role::Warehouse),
            Caller::Admin => Some(Role::Admin),
            _ => None,
        }
    }
}

/// What `caller` must get on `spec`, from its rule alone.
pub fn expected(spec: &RouteSpec, caller: Caller) -> Expect {
    use Expect::{Allowed, Status};
    let read = spec.verb == Verb::Get;
    match spec.rule {
        Rule::Public => return Allowed,
        // No JWT opens a webhook: without the provider's proof it is a 401.
        Rule::Webhook => return Status(StatusCode::UNAUTHORIZED),
        _ => {}
    }
    let Some(role) = caller.role() else {
        return Status(StatusCode::UNAUTHORIZED);
    };
    let forbidden = Status(StatusCode::FORBIDDEN);
    match spec.rule {
        Rule::Public | Rule::Webhook | Rule::Authenticated => Allowed,
        Rule::Warehouse if matches!(role, Role::Warehouse | Role::Admin) => Allowed,
        Rule::Admin if role == Role::Admin => Allowed,
        Rule::Warehouse | Rule::Admin => forbidden,
        Rule::Owner(_) if caller == Caller::Owner => Allowed,
        Rule::Owner(_) if read && role == Role::Admin => Allowed,
        Rule::Owner(_) if read => Status(StatusCode::NOT_FOUND),
        Rule::Owner(_) => forbidden,
    }
}

/// The path of `spec` with the fixture's ids in its segments.
pub fn path(spec: &RouteSpec) -> String {
    let id = match spec.rule {
        Rule::Owner(Owner::Withdrawal) => WITHDRAWAL.to_string(),
        _ => SESSION.to_string(),
    };
    let mut path = spec
        .path
        .replace("{id}", &id)
        .replace("{participant}", &PARTICIPANT.to_string())
        .replace("{user}", &OWNER.to_string())
        .replace("{session}", &SESSION.to_string())
        .replace("{product}", &PaymentId::from_u128(0x9D).to_string())
        .replace("{reference}", "refund-unknown")
        .replace("{order}", &PaymentId::from_u128(0x0D).to_string())
        .replace("{notification}", &PaymentId::from_u128(0x1B0C).to_string())
        .replace("{payment}", &PaymentId::from_u128(0xBAD).to_string());
    match spec.endpoint {
        Endpoint::Preview => path.push_str("?extra=1"),
        Endpoint::SessionList => path.push_str("?status=open&limit=2"),
        Endpoint::PurchaseOrders => path.push_str("?status=open"),
        _ => {}
    }
    path
}

/// A body for `spec` that is about the fixture's owner where a body names a user.
pub fn body(spec: &RouteSpec) -> Value {
    match spec.endpoint {
        Endpoint::Join => join_body(ParticipantId::from_u128(0x5E99), OWNER),
        Endpoint::RequestWithdrawal => {
            withdrawal_body(WithdrawalId::from_u128(0x3E), 10_000, "1234567890")
        }
        Endpoint::Quote => json!({
            "quote": PaymentId::from_u128(0x0707).to_string(),
            "user": OWNER.to_string(),
            "postal_code": "12440",
            "quantity": 1,
        }),
        Endpoint::ReceiveStock => json!({"lines": []}),
        // Not Biteship's installation probe (`{}`), which answers 200 unsigned.
        Endpoint::Biteship => json!({"event": "order.status", "order_id": "x"}),
        _ => json!({}),
    }
}

/// Sends `caller`'s call of `spec` and answers the status and body.
pub async fn call(f: &Fixture, spec: &RouteSpec, caller: Caller) -> (StatusCode, Value) {
    let url = format!("{}{}", f.base, path(spec));
    let mut request = match spec.verb {
        Verb::Get => f.http.get(url),
        Verb::Post => f.http.post(url).json(&body(spec)),
    };
    if let Some(token) = caller.token() {
        request = request.bearer_auth(token);
    }
    f.send(request).await
}

/// Whether `status` meets `expect`.
pub fn meets(status: StatusCode, expect: Expect) -> bool {
    match expect {
        Expect::Status(s) => status == s,
        Expect::Allowed => {
            status != StatusCode::UNAUTHORIZED
                && status != StatusCode::FORBIDDEN
                && !status.is_server_error()
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_caller_as_its_rule_says() {
    let f = Fixture::start().await;
    let mut failures = Vec::new();
    let mut calls = 0;
    for spec in ROUTES {
        let mut allowed = 0;
        for caller in CALLERS {
            let expect = expected(spec, caller);
            let (status, body) = call(&f, spec, caller).await;
            calls += 1;
            if expect == Expect::Allowed {
                allowed += 1;
            }
            if !meets(status, expect) {
                failures.push(format!(
                    "{} {} as {caller:?}: expected {expect:?}, got {status} {body}",
                    spec.verb.as_str(),
                    spec.path
                ));
            }
        }
        if spec.rule != Rule::Webhook && allowed == 0 {
            failures.push(format!("{} lets nobody in", spec.path));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {calls} calls:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("security matrix: {} routes, {calls} calls", ROUTES.len());
    f.stop().await;
}
