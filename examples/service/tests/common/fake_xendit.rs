//! A fake Xendit on 127.0.0.1 (wiremock) that keeps state: invoices
//! (`POST /v2/invoices`, `GET /v2/invoices?external_id=`, `GET /v2/invoices/{id}`,
//! `POST /invoices/{id}/expire!`), refunds (`POST /refunds`) and batch
//! disbursements (`POST /batch_disbursements`), in Xendit's documented wire format
//! (the shapes of adapters/xendit/tests/fixtures). The test plays the payer and the
//! bank through it and gets the callback bodies Xendit would send.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use patungan_service::clock::{Clock, ManualClock};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const SECRET_KEY: &str = "xnd_development_E2E_SECRET";

#[derive(Debug, Clone)]
pub struct Invoice {
    pub id: String,
    pub external_id: String,
    pub amount: u64,
    pub status: &'static str,
    pub created: DateTime<Utc>,
    pub expiry: DateTime<Utc>,
    pub description: String,
    pub paid_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct Refund {
    pub id: String,
    pub reference_id: String,
    pub invoice_id: String,
    pub amount: u64,
    pub reason: String,
    pub created: DateTime<Utc>,
    pub calls: u32,
}

#[derive(Debug, Clone)]
pub struct Payout {
    pub id: String,
    pub external_id: String,
    pub amount: u64,
    pub bank_code: String,
    pub account_number: String,
    pub account_name: String,
}

#[derive(Debug, Clone)]
pub struct Batch {
    pub id: String,
    pub reference: String,
    pub idempotency_key: String,
    pub created: DateTime<Utc>,
    pub items: Vec<Payout>,
    pub calls: u32,
}

#[derive(Debug, Default)]
pub struct State {
    pub invoices: Vec<Invoice>,
    pub invoice_posts: u32,
    pub refunds: BTreeMap<String, Refund>,
    pub batches: BTreeMap<String, Batch>,
    pub expire_calls: u32,
    pub unauthenticated: u32,
    /// Requests that broke Xendit's rules (checked by the test at the end).
    pub violations: Vec<String>,
    counter: u64,
}

impl State {
    fn next_id(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{:020x}", self.counter)
    }
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn invoice_json(i: &Invoice) -> Value {
    json!({
        "id": i.id,
        "external_id": i.external_id,
        "user_id": "62efe4c33e45694d63f585f0",
        "status": i.status,
        "merchant_name": "Patungan E2E Merchant",
        "amount": i.amount,
        "description": i.description,
        "expiry_date": stamp(i.expiry),
        "invoice_url": format!("https://checkout.fake-xendit.invalid/web/{}", i.id),
        "available_banks": [],
        "should_send_email": false,
        "created": stamp(i.created),
        "updated": stamp(i.created),
        "currency": "IDR",
    })
}

fn violation(state: &mut State, message: String) -> ResponseTemplate {
    state.violations.push(message.clone());
    error(400, "API_VALIDATION_ERROR", &message)
}

fn error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"error_code": code, "message": message}))
}

/// The fake server and its state.
#[derive(Clone)]
pub struct FakeXendit {
    pub server: Arc<MockServer>,
    state: Arc<Mutex<State>>,
    clock: Arc<ManualClock>,
}

struct Handler {
    state: Arc<Mutex<State>>,
    clock: Arc<ManualClock>,
    route: Route,
}

#[derive(Clone, Copy)]
enum Route {
    CreateInvoice,
    FindInvoices,
    GetInvoice,
    ExpireInvoice,
    CreateRefund,
    CreateBatch,
}

fn authenticated(request: &Request) -> bool {
    // HTTP Basic with the secret key as user name and an empty password.
    let expected = format!("Basic {}", base64(&format!("{SECRET_KEY}:")));
    request
        .headers
        .get("authorization")
        .is_some_and(|v| v.as_bytes() == expected.as_bytes())
}

fn base64(text: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Respond for Handler {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap();
        if !authenticated(request) {
            state.unauthenticated += 1;
            return error(401, "INVALID_API_KEY", "API key is invalid");
        }
        let now = self.clock.now();
        let last_segment = request
            .url
            .path_segments()
            .and_then(|mut s| s.nth(2).map(str::to_owned))
            .unwrap_or_default();
        match self.route {
            Route::CreateInvoice => {
                let Ok(body) = request.body_json::<Value>() else {
                    return violation(&mut state, "invoice body is not JSON".into());
                };
                state.invoice_posts += 1;
                if !request.headers.contains_key("x-idempotency-key") {
                    return violation(&mut state, "invoice without idempotency key".into());
                }
                let (Some(external_id), Some(duration), Some(amount)) = (
                    body["external_id"].as_str().map(str::to_owned),
                    body["invoice_duration"].as_i64().filter(|d| *d > 0),
                    body["amount"].as_u64(),
                ) else {
                    return violation(&mut state, format!("bad invoice body {body}"));
                };
                if let Some(existing) = state.invoices.iter().find(|i| i.external_id == external_id)
                {
                    return ResponseTemplate::new(200).set_body_json(invoice_json(existing));
                }
                let id = state.next_id("inv");
                let invoice = Invoice {
                    id,
                    external_id,
                    amount,
                    status: "PENDING",
                    created: now,
                    expiry: now + TimeDelta::seconds(duration),
                    description: body["description"].as_str().unwrap_or("").to_owned(),
                    paid_at: None,
                };
                let answer = invoice_json(&invoice);
                state.invoices.push(invoice);
                ResponseTemplate::new(200).set_body_json(answer)
            }
            Route::FindInvoices => {
                let external_id = request
                    .url
                    .query_pairs()
                    .find(|(k, _)| k == "external_id")
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default();
                let found: Vec<Value> = state
                    .invoices
                    .iter()
                    .filter(|i| i.external_id == external_id)
                    .map(invoice_json)
                    .collect();
                ResponseTemplate::new(200).set_body_json(Value::Array(found))
            }
            Route::GetInvoice => match state.invoices.iter().find(|i| i.id == last_segment) {
                Some(i) => ResponseTemplate::new(200).set_body_json(invoice_json(i)),
                None => error(404, "INVOICE_NOT_FOUND_ERROR", "no such invoice"),
            },
            Route::ExpireInvoice => {
                state.expire_calls += 1;
                let id = request
                    .url
                    .path_segments()
                    .and_then(|mut s| s.nth(1).map(str::to_owned))
                    .unwrap_or_default();
                match state.invoices.iter_mut().find(|i| i.id == id) {
                    Some(i) if i.status == "PENDING" || i.status == "EXPIRED" => {
                        i.status = "EXPIRED";
                        ResponseTemplate::new(200).set_body_json(invoice_json(i))
                    }
                    Some(_) => error(400, "INVOICE_ALREADY_PAID_ERROR", "invoice is paid"),
                    None => error(404, "INVOICE_NOT_FOUND_ERROR", "no such invoice"),
                }
            }
            Route::CreateRefund => {
                let Ok(body) = request.body_json::<Value>() else {
                    return violation(&mut state, "refund body is not JSON".into());
                };
                let (Some(reference), Some(invoice_id), Some(amount)) = (
                    body["reference_id"].as_str().map(str::to_owned),
                    body["invoice_id"].as_str().map(str::to_owned),
                    body["amount"].as_u64(),
                ) else {
                    return violation(&mut state, format!("bad refund body {body}"));
                };
                let key = request
                    .headers
                    .get("x-idempotency-key")
                    .map(|v| v.as_bytes());
                if key != Some(reference.as_bytes()) {
                    return violation(&mut state, format!("refund {reference}: idempotency key"));
                }
                let paid = state
                    .invoices
                    .iter()
                    .any(|i| i.id == invoice_id && i.status == "PAID" && amount <= i.amount);
                if !paid {
                    return error(400, "INVALID_PAYMENT_STATUS", "the invoice is not paid");
                }
                if !state.refunds.contains_key(&reference) {
                    let id = state.next_id("rfd");
                    state.refunds.insert(
                        reference.clone(),
                        Refund {
                            id,
                            reference_id: reference.clone(),
                            invoice_id,
                            amount,
                            reason: body["reason"].as_str().unwrap_or("").to_owned(),
                            created: now,
                            calls: 0,
                        },
                    );
                }
                let refund = state.refunds.get_mut(&reference).unwrap();
                refund.calls += 1;
                ResponseTemplate::new(200).set_body_json(json!({
                    "id": refund.id,
                    "payment_request_id": null,
                    "invoice_id": refund.invoice_id,
                    "amount": refund.amount,
                    "currency": "IDR",
                    "status": "PENDING",
                    "reason": refund.reason,
                    "reference_id": refund.reference_id,
                    "failure_code": null,
                    "created": stamp(refund.created),
                    "updated": stamp(refund.created),
                    "metadata": null,
                }))
            }
            Route::CreateBatch => {
                let Ok(body) = request.body_json::<Value>() else {
                    return violation(&mut state, "batch body is not JSON".into());
                };
                let key = request
                    .headers
                    .get("x-idempotency-key")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let (Some(key), Some(reference), Some(list)) = (
                    key,
                    body["reference"].as_str().map(str::to_owned),
                    body["disbursements"].as_array().cloned(),
                ) else {
                    return violation(
                        &mut state,
                        format!("bad batch (or no idempotency key) {body}"),
                    );
                };
                if let Some(batch) = state.batches.get(&reference) {
                    if batch.idempotency_key != key {
                        return violation(&mut state, format!("batch {reference} under a new key"));
                    }
                } else {
                    let mut items = Vec::new();
                    for item in &list {
                        let text = |field: &str| item[field].as_str().map(str::to_owned);
                        let (
                            Some(external_id),
                            Some(amount),
                            Some(bank_code),
                            Some(number),
                            Some(name),
                        ) = (
                            text("external_id"),
                            item["amount"].as_u64(),
                            text("bank_code"),
                            text("bank_account_number"),
                            text("bank_account_name"),
                        )
                        else {
                            return violation(&mut state, format!("bad batch item {item}"));
                        };
                        let id = state.next_id("disb");
                        items.push(Payout {
                            id,
                            external_id,
                            amount,
                            bank_code,
                            account_number: number,
                            account_name: name,
                        });
                    }
                    let id = state.next_id("batch");
                    state.batches.insert(
                        reference.clone(),
                        Batch {
                            id,
                            reference: reference.clone(),
                            idempotency_key: key,
                            created: now,
                            items,
                            calls: 0,
                        },
                    );
                }
                let batch = state.batches.get_mut(&reference).unwrap();
                batch.calls += 1;
                let total: u64 = batch.items.iter().map(|i| i.amount).sum();
                ResponseTemplate::new(200).set_body_json(json!({
                    "created": stamp(batch.created),
                    "reference": batch.reference,
                    "total_uploaded_amount": total,
                    "total_uploaded_count": batch.items.len(),
                    "status": "NEEDS_APPROVAL",
                    "id": batch.id,
                }))
            }
        }
    }
}

impl FakeXendit {
    pub async fn start(clock: Arc<ManualClock>) -> FakeXendit {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State::default()));
        let routes: [(&str, wiremock::MockBuilder, Route); 6] = [
            (
                "create invoice",
                Mock::given(method("POST")).and(path("/v2/invoices")),
                Route::CreateInvoice,
            ),
            (
                "find invoices",
                Mock::given(method("GET")).and(path("/v2/invoices")),
                Route::FindInvoices,
            ),
            (
                "get invoice",
                Mock::given(method("GET")).and(path_regex(r"^/v2/invoices/[A-Za-z0-9_-]+$")),
                Route::GetInvoice,
            ),
            (
                "expire invoice",
                Mock::given(method("POST")).and(path_regex(r"^/invoices/[A-Za-z0-9_-]+/expire!$")),
                Route::ExpireInvoice,
            ),
            (
                "create refund",
                Mock::given(method("POST")).and(path("/refunds")),
                Route::CreateRefund,
            ),
            (
                "create batch",
                Mock::given(method("POST")).and(path("/batch_disbursements")),
                Route::CreateBatch,
            ),
        ];
        for (name, builder, route) in routes {
            builder
                .respond_with(Handler {
                    state: state.clone(),
                    clock: clock.clone(),
                    route,
                })
                .named(name)
                .mount(&server)
                .await;
        }
        FakeXendit {
            server: Arc::new(server),
            state,
            clock,
        }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    pub fn invoice(&self, external_id: &str) -> Option<Invoice> {
        self.state()
            .invoices
            .iter()
            .find(|i| i.external_id == external_id)
            .cloned()
    }

    /// The payer pays the invoice; returns Xendit's PAID callback body.
    pub fn pay(&self, external_id: &str) -> Value {
        let now = self.clock.now();
        let mut state = self.state();
        let invoice = state
            .invoices
            .iter_mut()
            .find(|i| i.external_id == external_id)
            .expect("no invoice to pay");
        assert_eq!(
            invoice.status, "PENDING",
            "paying a {} invoice",
            invoice.status
        );
        invoice.status = "PAID";
        invoice.paid_at = Some(now);
        json!({
            "id": invoice.id,
            "external_id": invoice.external_id,
            "user_id": "62efe4c33e45694d63f585f0",
            "is_high": false,
            "payment_method": "BANK_TRANSFER",
            "status": "PAID",
            "merchant_name": "Patungan E2E Merchant",
            "amount": invoice.amount,
            "paid_amount": invoice.amount,
            "bank_code": "BCA",
            "paid_at": stamp(now),
            "description": invoice.description,
            "adjusted_received_amount": invoice.amount - 4_500,
            "fees_paid_amount": 4_500,
            "created": stamp(invoice.created),
            "updated": stamp(now),
            "currency": "IDR",
            "payment_channel": "BCA",
            "payment_destination": "880812345678",
        })
    }

    /// The invoice expires unpaid at Xendit; returns the EXPIRED callback body.
    pub fn expire(&self, external_id: &str) -> Value {
        let now = self.clock.now();
        let mut state = self.state();
        let invoice = state
            .invoices
            .iter_mut()
            .find(|i| i.external_id == external_id)
            .expect("no invoice to expire");
        invoice.status = "EXPIRED";
        json!({
            "id": invoice.id,
            "external_id": invoice.external_id,
            "user_id": "62efe4c33e45694d63f585f0",
            "status": "EXPIRED",
            "merchant_name": "Patungan E2E Merchant",
            "amount": invoice.amount,
            "description": invoice.description,
            "created": stamp(invoice.created),
            "updated": stamp(now),
            "currency": "IDR",
        })
    }

    /// Xendit's `refund.succeeded` webhook body for a refund it holds.
    pub fn refund_succeeded(&self, refund: &Refund) -> Value {
        let now = self.clock.now();
        json!({
            "event": "refund.succeeded",
            "business_id": "62efe4c33e45694d63f585f0",
            "created": stamp(now),
            "data": {
                "id": refund.id,
                "payment_id": format!("pymt-{}", refund.invoice_id),
                "invoice_id": refund.invoice_id,
                "amount": refund.amount,
                "payment_method_type": "VIRTUAL_ACCOUNT",
                "channel_code": "BCA",
                "currency": "IDR",
                "status": "SUCCEEDED",
                "reason": refund.reason,
                "reference_id": refund.reference_id,
                "failure_code": null,
                "refund_fee_amount": 0,
                "created": stamp(refund.created),
                "updated": stamp(now),
                "metadata": null,
            }
        })
    }

    /// Xendit's batch callback: every payout completes except those in `failures`
    /// (external id → failure code).
    pub fn batch_result(&self, batch: &Batch, failures: &BTreeMap<String, String>) -> Value {
        let now = self.clock.now();
        let mut disbursed = (0u64, 0u64);
        let mut failed = (0u64, 0u64);
        let items: Vec<Value> = batch
            .items
            .iter()
            .map(|item| {
                let mut v = json!({
                    "id": item.id,
                    "created": stamp(batch.created),
                    "updated": stamp(now),
                    "external_id": item.external_id,
                    "amount": item.amount,
                    "bank_code": item.bank_code,
                    "bank_account_number": item.account_number,
                    "bank_account_name": item.account_name,
                    "description": "Patungan wallet withdrawal",
                    "email_to": [],
                });
                match failures.get(&item.external_id) {
                    Some(code) => {
                        failed = (failed.0 + 1, failed.1 + item.amount);
                        v["status"] = json!("FAILED");
                        v["failure_code"] = json!(code);
                    }
                    None => {
                        disbursed = (disbursed.0 + 1, disbursed.1 + item.amount);
                        v["status"] = json!("COMPLETED");
                        v["valid_name"] = json!(item.account_name);
                        v["bank_reference"] = json!(format!("BR{}", item.id));
                    }
                }
                v
            })
            .collect();
        json!({
            "id": batch.id,
            "created": stamp(batch.created),
            "updated": stamp(now),
            "reference": batch.reference,
            "user_id": "62efe4c33e45694d63f585f0",
            "total_uploaded_count": batch.items.len(),
            "total_uploaded_amount": disbursed.1 + failed.1,
            "approved_at": stamp(now),
            "approver_id": "62efe4c33e45694d63f585f1",
            "status": "COMPLETED",
            "total_disbursed_count": disbursed.0,
            "total_disbursed_amount": disbursed.1,
            "total_error_count": failed.0,
            "total_error_amount": failed.1,
            "disbursements": items,
        })
    }
}
