//! One client: joins as a fresh shopper, one request at a time, until the deadline.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Client, Url};
use serde_json::Value;
use uuid::Uuid;

use crate::api::{endpoint, join_body};
use crate::auth::Minter;

/// What every client shares.
pub struct Shared {
    /// Signs each shopper's token.
    pub minter: Minter,
    /// The sessions joined, round-robin by join number.
    pub sessions: Vec<Uuid>,
    /// The next join number (each join gets a fresh user and participant).
    pub next: AtomicU64,
    /// The run's prefix of every generated id (its upper 64 bits).
    pub run: u64,
}

impl Shared {
    /// The `n`-th id of kind `tag` of this run.
    pub fn id(&self, tag: u16, n: u64) -> Uuid {
        Uuid::from_u128(
            (u128::from(self.run) << 64)
                | (u128::from(tag) << 48)
                | u128::from(n & 0xFFFF_FFFF_FFFF),
        )
    }
}

/// Id kinds (see [`Shared::id`]).
pub const USER: u16 = 1;
/// Participant ids.
pub const PARTICIPANT: u16 = 2;
/// Session ids.
pub const SESSION: u16 = 3;
/// The product of every session.
pub const PRODUCT: u16 = 4;
/// The admin user.
pub const ADMIN: u16 = 5;

/// What one client saw.
#[derive(Debug, Default)]
pub struct Tally {
    /// Latency of every successful join (2xx with a join receipt).
    pub latencies: Vec<Duration>,
    /// Responses by HTTP status.
    pub statuses: BTreeMap<u16, u64>,
    /// Requests that got no response (connection error, 30 s timeout).
    pub transport_errors: u64,
    /// 2xx responses whose body was not a join receipt.
    pub bad_bodies: u64,
    /// Successful joins answered before their invoice URL existed.
    pub without_invoice_url: u64,
}

impl Tally {
    /// Adds `other`'s counts to these.
    pub fn merge(&mut self, other: Tally) {
        self.latencies.extend(other.latencies);
        for (status, count) in other.statuses {
            *self.statuses.entry(status).or_default() += count;
        }
        self.transport_errors += other.transport_errors;
        self.bad_bodies += other.bad_bodies;
        self.without_invoice_url += other.without_invoice_url;
    }
}

/// Joins until `deadline` through `http` (one keep-alive connection) on `base`.
pub async fn run(shared: Arc<Shared>, http: Client, base: Url, deadline: Instant) -> Tally {
    let mut tally = Tally::default();
    while Instant::now() < deadline {
        let n = shared.next.fetch_add(1, Ordering::Relaxed);
        if let Err(error) = join_once(&shared, &http, &base, n, &mut tally).await {
            // Only a local failure (a token that cannot be signed) ends the client.
            eprintln!("client stopped: {error}");
            break;
        }
    }
    tally
}

/// One join: the `n`-th shopper joins the `n`-th session (round-robin).
async fn join_once(
    shared: &Shared,
    http: &Client,
    base: &Url,
    n: u64,
    tally: &mut Tally,
) -> Result<(), String> {
    let sessions = shared.sessions.len().max(1) as u64;
    let index = usize::try_from(n % sessions).unwrap_or(0);
    let session = shared.sessions.get(index).copied().unwrap_or_default();
    let user = shared.id(USER, n);
    let token = shared.minter.token(user, "shopper")?;
    let url = endpoint(base, &format!("sessions/{session}/join"))?;
    let body = join_body(shared.id(PARTICIPANT, n), user);
    let started = Instant::now();
    let sent = http
        .post(url)
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await;
    let response = match sent {
        Ok(response) => response,
        Err(_) => {
            tally.transport_errors += 1;
            return Ok(());
        }
    };
    let status = response.status();
    let text = response.bytes().await;
    let elapsed = started.elapsed();
    *tally.statuses.entry(status.as_u16()).or_default() += 1;
    if !status.is_success() {
        return Ok(());
    }
    match text
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
    {
        Some(receipt) if receipt.get("participant").is_some() => {
            tally.latencies.push(elapsed);
            let url = receipt.pointer("/invoice/url").and_then(Value::as_str);
            if url.is_none() {
                tally.without_invoice_url += 1;
            }
        }
        _ => tally.bad_bodies += 1,
    }
    Ok(())
}
