//! The Xendit client and ports against a fake Xendit on 127.0.0.1 (wiremock) speaking the
//! documented wire format (fixtures in tests/fixtures/).
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use patungan_core::{Currency, Money, PaymentId, UserId};
use patungan_ports::{
    BankAccount, Disburser, FailureClass, GatewayInvoiceRequest, GatewayRefundReason, InvoiceItem,
    Payer, PaymentGateway, PayoutBatch, PayoutItem, RefundRequest, RefundState,
};
use patungan_xendit::{
    BatchSubmission, CreateDisbursement, IdrAmount, Secret, XenditClient, XenditConfig,
    XenditGateway,
};
use serde_json::Value;
use wiremock::matchers::{basic_auth, body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "xnd_development_TESTKEY123";
const PAYMENT: &str = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d";
const INVOICE_ID: &str = "65f1a2b3c4d5e6f7a8b9c0d1";

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn json(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json")
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 3, 0, 0).unwrap()
}

fn client_for(server: &MockServer, request_timeout: Duration) -> XenditClient {
    XenditClient::new(
        XenditConfig::new(Secret::new(KEY))
            .with_base_url(server.uri())
            .with_timeouts(Duration::from_secs(1), request_timeout),
    )
    .unwrap()
}

async fn setup() -> (MockServer, XenditGateway) {
    let server = MockServer::start().await;
    let gateway = XenditGateway::new(client_for(&server, Duration::from_secs(5))).with_clock(now);
    (server, gateway)
}

fn invoice_request() -> GatewayInvoiceRequest {
    GatewayInvoiceRequest {
        payment_id: PAYMENT.parse().unwrap(),
        amount: Money::idr(1_095_000),
        description: "Patungan: kaos polos x10".into(),
        expires_at: now() + chrono::Duration::hours(24),
        payer: Payer {
            user_id: UserId::from_u128(7),
            email: Some("budi@example.com".into()),
            name: Some("Budi".into()),
        },
        items: vec![InvoiceItem {
            name: "Kaos polos".into(),
            quantity: 10,
            unit_price: Money::idr(109_500),
        }],
        metadata: BTreeMap::from([("session_id".to_owned(), "s-1".to_owned())]),
    }
}

fn batch(amount: Money) -> PayoutBatch {
    PayoutBatch {
        reference: "payout-2024-05-07T03:00:00Z-1".into(),
        items: vec![
            PayoutItem {
                external_id: "wd-3f2e1d0c-attempt-1".into(),
                amount,
                bank_account: BankAccount {
                    bank_code: "BCA".into(),
                    account_number: "1234567890".into(),
                    holder_name: "BUDI SANTOSO".into(),
                },
                description: "Patungan withdrawal".into(),
            },
            PayoutItem {
                external_id: "wd-8a7b6c5d-attempt-1".into(),
                amount: Money::idr(47_500),
                bank_account: BankAccount {
                    bank_code: "MANDIRI".into(),
                    account_number: "9876543210".into(),
                    holder_name: "SITI RAHAYU".into(),
                },
                description: "Patungan withdrawal".into(),
            },
        ],
    }
}

fn body_of(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

fn idempotency_key(request: &Request) -> Option<String> {
    request
        .headers
        .get("x-idempotency-key")
        .map(|v| v.to_str().unwrap().to_owned())
}

async fn no_invoices_yet(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/v2/invoices"))
        .and(query_param("external_id", PAYMENT))
        .respond_with(ResponseTemplate::new(200).set_body_raw("[]", "application/json"))
        .mount(server)
        .await;
}

#[tokio::test]
async fn create_invoice_sends_basic_auth_idempotency_key_and_integer_amounts() {
    let (server, gateway) = setup().await;
    no_invoices_yet(&server).await;
    Mock::given(method("POST"))
        .and(path("/v2/invoices"))
        .and(basic_auth(KEY, ""))
        .and(header("x-idempotency-key", PAYMENT))
        .and(body_partial_json(serde_json::json!({
            "external_id": PAYMENT,
            "amount": 1_095_000,
            "currency": "IDR",
            "invoice_duration": 86_400,
            "payer_email": "budi@example.com",
            "items": [{"name": "Kaos polos", "quantity": 10, "price": 109_500}],
            "metadata": {"session_id": "s-1"},
        })))
        .respond_with(json(200, "invoice_created.json"))
        .expect(1)
        .mount(&server)
        .await;

    let invoice = gateway.create_invoice(&invoice_request()).await.unwrap();
    assert_eq!(invoice.provider_invoice_id, INVOICE_ID);
    assert_eq!(
        invoice.url,
        "https://checkout-staging.xendit.co/web/65f1a2b3c4d5e6f7a8b9c0d1"
    );
    assert_eq!(invoice.expires_at, now() + chrono::Duration::hours(24));

    let requests = server.received_requests().await.unwrap();
    let post = requests
        .iter()
        .find(|r| r.method.as_str() == "POST")
        .unwrap();
    let body = body_of(post);
    assert!(
        body["amount"].is_u64(),
        "amount must be a JSON integer: {body}"
    );
    assert!(body["items"][0]["price"].is_u64());
}

#[tokio::test]
async fn lookup_404_means_no_invoice_yet() {
    let (server, gateway) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v2/invoices"))
        .and(query_param("external_id", PAYMENT))
        .respond_with(json(404, "error_not_found.json"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/invoices"))
        .respond_with(json(200, "invoice_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    let invoice = gateway.create_invoice(&invoice_request()).await.unwrap();
    assert_eq!(invoice.provider_invoice_id, INVOICE_ID);
}

#[tokio::test]
async fn create_invoice_retry_returns_the_invoice_already_created() {
    let (server, gateway) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v2/invoices"))
        .and(query_param("external_id", PAYMENT))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            format!("[{}]", fixture("invoice_created.json")),
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/invoices"))
        .respond_with(json(200, "invoice_created.json"))
        .expect(0)
        .mount(&server)
        .await;
    let first = gateway.create_invoice(&invoice_request()).await.unwrap();
    let second = gateway.create_invoice(&invoice_request()).await.unwrap();
    assert_eq!(first, second);
    assert_eq!(first.provider_invoice_id, INVOICE_ID);
}

#[tokio::test]
async fn client_create_invoice_duplicate_fetches_the_existing_invoice() {
    let (server, gateway) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v2/invoices"))
        .respond_with(json(400, "error_duplicate.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/invoices"))
        .and(query_param("external_id", PAYMENT))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            format!("[{}]", fixture("invoice_created.json")),
            "application/json",
        ))
        .mount(&server)
        .await;
    let body = gateway.invoice_body(&invoice_request()).unwrap();
    let invoice = gateway
        .client()
        .create_invoice(&body, Some(PAYMENT))
        .await
        .unwrap();
    assert_eq!(invoice.id, INVOICE_ID);
    assert_eq!(invoice.amount, 1_095_000.into());
}

#[tokio::test]
async fn validation_error_is_permanent_with_xendit_code() {
    let (server, gateway) = setup().await;
    no_invoices_yet(&server).await;
    Mock::given(method("POST"))
        .and(path("/v2/invoices"))
        .respond_with(json(400, "error_validation.json"))
        .mount(&server)
        .await;
    let err = gateway
        .create_invoice(&invoice_request())
        .await
        .unwrap_err();
    assert_eq!(err.class, FailureClass::Permanent);
    assert_eq!(err.code, "API_VALIDATION_ERROR");
    assert_eq!(err.provider, "xendit");
    assert_eq!(err.operation, "create_invoice");
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_retryable() {
    let (server, gateway) = setup().await;
    no_invoices_yet(&server).await;
    Mock::given(method("POST"))
        .and(path("/v2/invoices"))
        .respond_with(json(500, "error_server.json"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/invoices"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "3")
                .set_body_raw(
                    r#"{"error_code":"RATE_LIMIT_EXCEEDED","message":"slow down"}"#,
                    "application/json",
                ),
        )
        .mount(&server)
        .await;
    let err = gateway
        .create_invoice(&invoice_request())
        .await
        .unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(err.code, "SERVER_ERROR");
    let err = gateway
        .create_invoice(&invoice_request())
        .await
        .unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(err.code, "RATE_LIMIT_EXCEEDED");
    assert_eq!(err.retry_after, Some(Duration::from_secs(3)));
}

#[tokio::test]
async fn unauthorized_and_not_found_are_permanent() {
    let (server, gateway) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/v2/invoices/{INVOICE_ID}")))
        .respond_with(json(404, "error_not_found.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/invoices"))
        .respond_with(json(401, "error_unauthorized.json"))
        .mount(&server)
        .await;
    let err = gateway.client().get_invoice(INVOICE_ID).await.unwrap_err();
    assert_eq!(err.class(), FailureClass::Permanent);
    assert_eq!(err.provider_code(), "INVOICE_NOT_FOUND_ERROR");
    let err = gateway
        .create_invoice(&invoice_request())
        .await
        .unwrap_err();
    assert_eq!(err.class, FailureClass::Permanent);
    assert_eq!(err.code, "INVALID_API_KEY");
    let shown = format!("{err} {err:?} {gateway:?}");
    assert!(!shown.contains("TESTKEY123"), "secret leaked: {shown}");
}

#[tokio::test]
async fn timeouts_are_retryable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v2/invoices/{INVOICE_ID}")))
        .respond_with(json(200, "invoice_created.json").set_delay(Duration::from_millis(1500)))
        .mount(&server)
        .await;
    let client = client_for(&server, Duration::from_millis(200));
    let err = client.get_invoice(INVOICE_ID).await.unwrap_err();
    assert_eq!(err.code(), "xendit.timeout", "{err:?}");
    assert_eq!(err.class(), FailureClass::Retryable);
    let port = err.into_port_error("get_invoice");
    assert_eq!(port.code, "TIMEOUT");
    assert!(port.is_retryable());
}

#[tokio::test]
async fn refused_connections_are_retryable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = XenditClient::new(
        XenditConfig::new(Secret::new(KEY))
            .with_base_url(format!("http://{addr}"))
            .with_timeouts(Duration::from_millis(500), Duration::from_secs(1)),
    )
    .unwrap();
    let err = client.get_invoice(INVOICE_ID).await.unwrap_err();
    assert_eq!(err.class(), FailureClass::Retryable);
    assert!(
        matches!(err.code(), "xendit.connect" | "xendit.transport"),
        "{err:?}"
    );
}

#[tokio::test]
async fn malformed_bodies_are_typed_errors() {
    let (server, gateway) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/v2/invoices/{INVOICE_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{\"id\": 12", "application/json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/invoices/bad_amount"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            fixture("invoice_created.json").replace("\"amount\": 1095000", "\"amount\": \"lots\""),
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/disbursements"))
        .respond_with(ResponseTemplate::new(400).set_body_raw("<html>nope</html>", "text/html"))
        .mount(&server)
        .await;
    let err = gateway.client().get_invoice(INVOICE_ID).await.unwrap_err();
    assert_eq!(err.code(), "xendit.malformed_response");
    assert_eq!(err.class(), FailureClass::Retryable);
    let err = gateway
        .client()
        .get_invoice("bad_amount")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "xendit.malformed_response");
    let err = gateway
        .client()
        .create_disbursement(&disbursement(), "wd-3f2e1d0c-attempt-1")
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), "HTTP_400");
    assert_eq!(err.class(), FailureClass::Permanent);
}

#[tokio::test]
async fn non_idr_or_bad_ids_are_refused_before_sending() {
    let (server, gateway) = setup().await;
    let mut request = invoice_request();
    request.amount = Money::parse("12.50", Currency::USD).unwrap();
    let err = gateway.create_invoice(&request).await.unwrap_err();
    assert_eq!(err.class, FailureClass::Permanent);
    assert_eq!(err.code, "amount.not_idr");

    let mut request = invoice_request();
    request.expires_at = now() - chrono::Duration::seconds(1);
    let err = gateway.create_invoice(&request).await.unwrap_err();
    assert_eq!(err.code, "INVALID_REQUEST");

    let err = gateway
        .client()
        .get_invoice("../../admin")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "xendit.invalid_request");

    let err = gateway
        .submit_batch(&batch(Money::parse("1", Currency::SGD).unwrap()))
        .await
        .unwrap_err();
    assert_eq!(err.code, "amount.not_idr");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn batch_retry_reuses_the_same_idempotency_key_and_body() {
    let (server, gateway) = setup().await;
    Mock::given(method("POST"))
        .and(path("/batch_disbursements"))
        .respond_with(json(503, "error_server.json"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/batch_disbursements"))
        .and(header("x-idempotency-key", "payout-2024-05-07T03:00:00Z-1"))
        .respond_with(json(200, "batch_created.json"))
        .mount(&server)
        .await;
    let b = batch(Money::idr(97_500));
    let first = gateway.submit_batch(&b).await.unwrap_err();
    assert!(first.is_retryable());
    let accepted = gateway.submit_batch(&b).await.unwrap();
    assert_eq!(accepted.provider_batch_id, "5e4e2b2f5a0f0b3c4d5e6f70");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(idempotency_key(&requests[0]), idempotency_key(&requests[1]));
    assert_eq!(
        idempotency_key(&requests[0]).as_deref(),
        Some("payout-2024-05-07T03:00:00Z-1")
    );
    assert_eq!(body_of(&requests[0]), body_of(&requests[1]));
    let body = body_of(&requests[0]);
    assert_eq!(body["reference"], "payout-2024-05-07T03:00:00Z-1");
    assert_eq!(body["disbursements"][0]["amount"], 97_500);
    assert_eq!(
        body["disbursements"][0]["bank_account_number"],
        "1234567890"
    );
    assert_eq!(
        body["disbursements"][1]["external_id"],
        "wd-8a7b6c5d-attempt-1"
    );
}

#[tokio::test]
async fn batch_duplicate_is_already_done() {
    let (server, gateway) = setup().await;
    Mock::given(method("POST"))
        .and(path("/batch_disbursements"))
        .respond_with(json(400, "error_duplicate.json"))
        .mount(&server)
        .await;
    let b = batch(Money::idr(97_500));
    let accepted = gateway.submit_batch(&b).await.unwrap();
    assert_eq!(accepted.provider_batch_id, b.reference);
    let body = patungan_xendit::CreateBatchDisbursement {
        reference: b.reference.clone(),
        disbursements: vec![],
    };
    let submission = gateway
        .client()
        .create_batch_disbursement(&body, &b.reference)
        .await
        .unwrap();
    assert_eq!(
        submission,
        BatchSubmission::AlreadySubmitted {
            reference: b.reference.clone()
        }
    );
    let empty = PayoutBatch {
        reference: "r".into(),
        items: vec![],
    };
    assert_eq!(
        gateway.submit_batch(&empty).await.unwrap_err().code,
        "EMPTY_BATCH"
    );
}

fn disbursement() -> CreateDisbursement {
    CreateDisbursement {
        external_id: "wd-3f2e1d0c-attempt-1".into(),
        bank_code: "BCA".into(),
        account_holder_name: "BUDI SANTOSO".into(),
        account_number: "1234567890".into(),
        description: "Patungan withdrawal".into(),
        amount: IdrAmount::from_money(&Money::idr(97_500)).unwrap(),
    }
}

#[tokio::test]
async fn single_disbursement_success_duplicate_and_bank_code_error() {
    let (server, gateway) = setup().await;
    Mock::given(method("POST"))
        .and(path("/disbursements"))
        .and(header("x-idempotency-key", "wd-3f2e1d0c-attempt-1"))
        .and(body_partial_json(
            serde_json::json!({"amount": 97_500, "bank_code": "BCA"}),
        ))
        .respond_with(json(200, "disbursement_created.json"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/disbursements"))
        .and(header("x-idempotency-key", "wd-3f2e1d0c-attempt-1"))
        .respond_with(json(400, "error_duplicate.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/disbursements"))
        .and(query_param("external_id", "wd-3f2e1d0c-attempt-1"))
        .respond_with(json(200, "disbursement_list.json"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/disbursements"))
        .and(header("x-idempotency-key", "wd-zzz"))
        .respond_with(json(400, "error_bank_code.json"))
        .mount(&server)
        .await;
    let client = gateway.client();
    let first = client
        .create_disbursement(&disbursement(), "wd-3f2e1d0c-attempt-1")
        .await
        .unwrap();
    assert_eq!(first.id, "57c9010f5ef9e7077bcb96b6");
    let again = client
        .create_disbursement(&disbursement(), "wd-3f2e1d0c-attempt-1")
        .await
        .unwrap();
    assert_eq!(
        again.id, first.id,
        "a duplicate returns the existing disbursement"
    );
    let err = client
        .create_disbursement(&disbursement(), "wd-zzz")
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), "BANK_CODE_NOT_SUPPORTED_ERROR");
    assert_eq!(err.class(), FailureClass::Permanent);
    assert!(!err.is_duplicate());
}

fn refund_request(provider_invoice_id: Option<&str>) -> RefundRequest {
    RefundRequest {
        reference: "refund-9b1deb4d-1".into(),
        payment_id: PAYMENT.parse::<PaymentId>().unwrap(),
        provider_invoice_id: provider_invoice_id.map(str::to_owned),
        amount: Money::idr(1_095_000),
        reason: GatewayRefundReason::Cancellation,
    }
}

#[tokio::test]
async fn refund_sends_reference_as_idempotency_key() {
    let (server, gateway) = setup().await;
    Mock::given(method("POST"))
        .and(path("/refunds"))
        .and(basic_auth(KEY, ""))
        .and(header("x-idempotency-key", "refund-9b1deb4d-1"))
        .and(body_partial_json(serde_json::json!({
            "invoice_id": INVOICE_ID,
            "reference_id": "refund-9b1deb4d-1",
            "amount": 1_095_000,
            "currency": "IDR",
            "reason": "CANCELLATION",
        })))
        .respond_with(json(200, "refund_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    let accepted = gateway
        .refund(&refund_request(Some(INVOICE_ID)))
        .await
        .unwrap();
    assert_eq!(accepted.state, RefundState::Pending);
    assert_eq!(
        accepted.provider_refund_id,
        "rfd-6f4a1b2c-3d4e-4f5a-8b9c-0d1e2f3a4b5c"
    );
}

#[tokio::test]
async fn refund_duplicate_returns_the_existing_refund_and_finds_the_invoice() {
    let (server, gateway) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v2/invoices"))
        .and(query_param("external_id", PAYMENT))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            format!("[{}]", fixture("invoice_paid.json")),
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/refunds"))
        .respond_with(json(409, "error_duplicate_refund.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/refunds"))
        .and(query_param("invoice_id", INVOICE_ID))
        .respond_with(json(200, "refund_list.json"))
        .mount(&server)
        .await;
    let accepted = gateway.refund(&refund_request(None)).await.unwrap();
    assert_eq!(
        accepted.provider_refund_id,
        "rfd-6f4a1b2c-3d4e-4f5a-8b9c-0d1e2f3a4b5c"
    );
    assert_eq!(accepted.state, RefundState::Pending);
}

#[tokio::test]
async fn expire_invoice_paths() {
    let (server, gateway) = setup().await;
    let payment: PaymentId = PAYMENT.parse().unwrap();
    // A pending invoice expires.
    Mock::given(method("POST"))
        .and(path(format!("/invoices/{INVOICE_ID}/expire!")))
        .and(basic_auth(KEY, ""))
        .respond_with(json(200, "invoice_expired.json"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    gateway
        .expire_invoice(payment, Some(INVOICE_ID))
        .await
        .unwrap();

    // Expiring it again: Xendit refuses, the invoice is expired, so it succeeds.
    Mock::given(method("POST"))
        .and(path(format!("/invoices/{INVOICE_ID}/expire!")))
        .respond_with(json(404, "error_not_found.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v2/invoices/{INVOICE_ID}")))
        .respond_with(json(200, "invoice_expired.json"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    gateway
        .expire_invoice(payment, Some(INVOICE_ID))
        .await
        .unwrap();

    // A paid invoice cannot be expired.
    Mock::given(method("GET"))
        .and(path(format!("/v2/invoices/{INVOICE_ID}")))
        .respond_with(json(200, "invoice_paid.json"))
        .mount(&server)
        .await;
    let err = gateway
        .expire_invoice(payment, Some(INVOICE_ID))
        .await
        .unwrap_err();
    assert_eq!(err.code, "INVOICE_ALREADY_PAID");
    assert_eq!(err.class, FailureClass::Permanent);
}

#[tokio::test]
async fn expire_by_payment_id_looks_the_invoice_up() {
    let (server, gateway) = setup().await;
    let payment: PaymentId = PAYMENT.parse().unwrap();
    Mock::given(method("GET"))
        .and(path("/v2/invoices"))
        .and(query_param("external_id", PAYMENT))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            format!("[{}]", fixture("invoice_created.json")),
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/invoices/{INVOICE_ID}/expire!")))
        .respond_with(json(200, "invoice_expired.json"))
        .expect(1)
        .mount(&server)
        .await;
    gateway.expire_invoice(payment, None).await.unwrap();
}

#[tokio::test]
async fn invoice_and_refund_retries_reuse_their_idempotency_keys() {
    let (server, gateway) = setup().await;
    no_invoices_yet(&server).await;
    for (route, fixture_name) in [
        ("/v2/invoices", "invoice_created.json"),
        ("/refunds", "refund_created.json"),
    ] {
        Mock::given(method("POST"))
            .and(path(route))
            .respond_with(json(502, "error_server.json"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path(route))
            .respond_with(json(200, fixture_name))
            .mount(&server)
            .await;
    }
    assert!(gateway
        .create_invoice(&invoice_request())
        .await
        .unwrap_err()
        .is_retryable());
    gateway.create_invoice(&invoice_request()).await.unwrap();
    let refund = refund_request(Some(INVOICE_ID));
    assert!(gateway.refund(&refund).await.unwrap_err().is_retryable());
    gateway.refund(&refund).await.unwrap();

    let posts: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.method.as_str() == "POST")
        .collect();
    assert_eq!(posts.len(), 4);
    let keys: Vec<_> = posts.iter().map(idempotency_key).collect();
    assert_eq!(keys[0].as_deref(), Some(PAYMENT));
    assert_eq!(keys[0], keys[1]);
    assert_eq!(keys[2].as_deref(), Some("refund-9b1deb4d-1"));
    assert_eq!(keys[2], keys[3]);
    assert_eq!(body_of(&posts[0]), body_of(&posts[1]));
    assert_eq!(body_of(&posts[2]), body_of(&posts[3]));
}
