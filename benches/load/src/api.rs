//! The service calls the generator makes: readiness, session creation, joins, and a
//! session's participant count.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::{Client, StatusCode, Url};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::auth::unix_now;

/// The group price (IDR): what every join pays up front and names as its
/// `expected_unit_price`.
const GROUP_PRICE: &str = "100000";

/// The largest MOQ the core accepts: no run fills its first rung, so joins are never
/// refused for capacity and the price stays the group price.
const MOQ: u64 = 10_000_000;

/// `{ "amount": .., "currency": "IDR" }`.
fn idr(amount: &str) -> Value {
    json!({ "amount": amount, "currency": "IDR" })
}

/// An RFC 3339 instant `offset_seconds` from now.
fn instant(offset_seconds: i64) -> String {
    let secs = i64::try_from(unix_now())
        .unwrap_or(0)
        .saturating_add(offset_seconds);
    DateTime::<Utc>::from_timestamp(secs, 0)
        .unwrap_or_default()
        .to_rfc3339()
}

/// The `POST /admin/sessions` body: opened a minute ago, open two days, MOQ 10 M,
/// no bot top-up and no renewal, so nothing but the run's joins touches it.
pub fn session_body(id: Uuid, product: Uuid) -> Value {
    let rung =
        |threshold: u32, price: &str| json!({ "threshold": threshold, "unit_price": idr(price) });
    json!({
        "id": id.to_string(),
        "config": {
            "product": product.to_string(),
            "moq": MOQ,
            "ladder": {
                "group_price": idr(GROUP_PRICE),
                "rungs": [rung(2500, "90000"), rung(5000, "80000"),
                          rung(7500, "70000"), rung(10000, "60000")],
            },
            "start": instant(-60),
            "end": instant(2 * 86_400),
            "bulk_shipping_cost": idr("100000"),
            "bot": { "enabled": false, "target_bp": 2500, "window_seconds": 600 },
            "renewal": false,
        },
    })
}

/// The `POST /sessions/{id}/join` body: one unit, the courier price given directly
/// (no shipping quote), the payment id derived by the service.
pub fn join_body(participant: Uuid, user: Uuid) -> Vec<u8> {
    json!({
        "participant": participant.to_string(),
        "user": user.to_string(),
        "quantity": 1,
        "expected_unit_price": idr(GROUP_PRICE),
        "courier_price": idr("15000"),
    })
    .to_string()
    .into_bytes()
}

/// `base` joined with `path` (which starts without a slash).
pub fn endpoint(base: &Url, path: &str) -> Result<Url, String> {
    base.join(path)
        .map_err(|e| format!("cannot form {base}{path}: {e}"))
}

/// Waits until every replica's `/health` answers 200, at most `limit` in all.
pub async fn wait_ready(http: &Client, urls: &[Url], limit: Duration) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    for base in urls {
        let health = endpoint(base, "health")?;
        loop {
            let ok = http
                .get(health.clone())
                .send()
                .await
                .is_ok_and(|r| r.status() == StatusCode::OK);
            if ok {
                break;
            }
            if Instant::now() >= deadline {
                return Err(format!("{health} did not answer 200 in time"));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    Ok(())
}

/// Creates one session as the admin; 200 (it existed with this config) or 201.
pub async fn create_session(
    http: &Client,
    base: &Url,
    admin_token: &str,
    body: &Value,
) -> Result<(), String> {
    let response = http
        .post(endpoint(base, "admin/sessions")?)
        .bearer_auth(admin_token)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| format!("POST /admin/sessions: {e}"))?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let text = response.text().await.unwrap_or_default();
    Err(format!(
        "POST /admin/sessions answered {status}: {}",
        text.chars().take(300).collect::<String>()
    ))
}

/// The number of participants `GET /sessions/{id}` reports.
pub async fn participants(
    http: &Client,
    base: &Url,
    token: &str,
    session: Uuid,
) -> Result<u64, String> {
    let url = endpoint(base, &format!("sessions/{session}"))?;
    let response = http
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| format!("GET /sessions/{session}: {e}"))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| format!("GET /sessions/{session} ({status}): {e}"))?;
    let view: Value = serde_json::from_str(&text)
        .map_err(|e| format!("GET /sessions/{session} ({status}): not JSON: {e}"))?;
    view.get("participants")
        .and_then(Value::as_u64)
        .ok_or_else(|| format!("GET /sessions/{session} ({status}) has no participant count"))
}
