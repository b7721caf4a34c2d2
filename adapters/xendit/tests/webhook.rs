//! Xendit callbacks: token verification on the raw request, then typed parsing.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{TimeZone, Utc};
use patungan_core::notices::{PaymentStatus, PayoutEvent, ProviderNotification, RefundOutcome};
use patungan_core::Money;
use patungan_xendit::{
    parse_batch_disbursement_callback, parse_invoice_callback, CallbackVerifier, Secret,
    WebhookError,
};

const TOKEN: &str = "xnd-callback-TOKEN-0123456789";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn verifier() -> CallbackVerifier {
    CallbackVerifier::new(Secret::new(TOKEN))
}

fn ok() -> Option<&'static [u8]> {
    Some(TOKEN.as_bytes())
}

#[test]
fn paid_invoice_callback() {
    let n = verifier()
        .invoice(ok(), &fixture("invoice_callback_paid.json"))
        .unwrap();
    assert_eq!(n.provider_event_id, "65f1a2b3c4d5e6f7a8b9c0d1");
    assert_eq!(
        n.payment_id.to_string(),
        "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
    );
    assert_eq!(n.status, PaymentStatus::Paid);
    assert_eq!(n.paid_amount, Some(Money::idr(1_095_000)));
    assert_eq!(
        n.paid_at,
        Some(Utc.with_ymd_and_hms(2024, 5, 1, 4, 12, 33).unwrap())
    );
    assert_eq!(n.payment_method.as_deref(), Some("BANK_TRANSFER"));
    assert_eq!(n.payment_channel.as_deref(), Some("BCA"));
}

#[test]
fn settled_after_paid_is_a_duplicate() {
    let v = verifier();
    let paid = v
        .invoice(ok(), &fixture("invoice_callback_paid.json"))
        .unwrap();
    let settled = v
        .invoice(ok(), &fixture("invoice_callback_settled.json"))
        .unwrap();
    assert_eq!(
        ProviderNotification::Payment(paid).dedup_key(),
        ProviderNotification::Payment(settled).dedup_key()
    );
}

#[test]
fn expired_invoice_callback() {
    let n = verifier()
        .invoice(ok(), &fixture("invoice_callback_expired.json"))
        .unwrap();
    assert_eq!(n.status, PaymentStatus::Expired);
    assert_eq!(n.paid_amount, None);
    assert_eq!(n.paid_at, None);
}

#[test]
fn wrong_or_missing_token_is_refused_before_parsing() {
    let v = verifier();
    let body = fixture("invoice_callback_paid.json");
    assert_eq!(
        v.invoice(Some(b"xnd-callback-TOKEN-0123456788"), &body),
        Err(WebhookError::InvalidToken)
    );
    assert_eq!(
        v.invoice(Some(b"xnd-callback-TOKEN"), &body),
        Err(WebhookError::InvalidToken)
    );
    assert_eq!(v.invoice(Some(b""), &body), Err(WebhookError::InvalidToken));
    assert_eq!(v.invoice(None, &body), Err(WebhookError::MissingToken));
    // A malformed body with a wrong token fails on the token: nothing is parsed first.
    assert_eq!(
        v.refund(Some(b"nope"), b"{not json"),
        Err(WebhookError::InvalidToken)
    );
    assert_eq!(
        v.disbursement(None, b"{not json"),
        Err(WebhookError::MissingToken)
    );
    assert!(v
        .batch_disbursement(None, b"")
        .unwrap_err()
        .is_auth_failure());
    // With the right token the same malformed body is a parse error.
    assert_eq!(
        v.refund(ok(), b"{not json").unwrap_err().code(),
        "xendit.webhook.malformed_json"
    );
}

#[test]
fn same_callback_twice_gives_the_same_dedup_key() {
    let v = verifier();
    let body = fixture("invoice_callback_paid.json");
    let a = ProviderNotification::Payment(v.invoice(ok(), &body).unwrap());
    let b = ProviderNotification::Payment(v.invoice(ok(), &body).unwrap());
    assert_eq!(a, b);
    assert_eq!(a.dedup_key(), b.dedup_key());
    // The key of a paid callback carries what it reports (amount, currency, the
    // gateway's payment id), so a mismatching callback never takes the genuine key.
    assert_eq!(
        a.dedup_key(),
        "payment:65f1a2b3c4d5e6f7a8b9c0d1:Paid:IDR 1095000:"
    );

    let body = fixture("disbursement_callback_completed.json");
    let a = ProviderNotification::Payout(v.disbursement(ok(), &body).unwrap());
    let b = ProviderNotification::Payout(v.disbursement(ok(), &body).unwrap());
    assert_eq!(a.dedup_key(), b.dedup_key());
}

#[test]
fn unknown_and_invalid_invoice_fields() {
    let paid = String::from_utf8(fixture("invoice_callback_paid.json")).unwrap();
    let pending = paid.replace("\"status\": \"PAID\"", "\"status\": \"PENDING\"");
    assert!(matches!(
        parse_invoice_callback(pending.as_bytes()),
        Err(WebhookError::UnknownStatus {
            field: "status",
            ..
        })
    ));
    let weird = paid.replace("\"status\": \"PAID\"", "\"status\": \"paid\"");
    assert_eq!(
        parse_invoice_callback(weird.as_bytes()).unwrap_err().code(),
        "xendit.webhook.unknown_status"
    );
    let bad_id = paid.replace("9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d", "INV-001");
    assert!(matches!(
        parse_invoice_callback(bad_id.as_bytes()),
        Err(WebhookError::InvalidField {
            field: "external_id",
            ..
        })
    ));
    let fractional = paid.replace("\"paid_amount\": 1095000", "\"paid_amount\": 1095000.5");
    assert!(matches!(
        parse_invoice_callback(fractional.as_bytes()),
        Err(WebhookError::Amount {
            field: "paid_amount",
            ..
        })
    ));
    let float_like = paid.replace("\"paid_amount\": 1095000", "\"paid_amount\": 1095000.00");
    assert_eq!(
        parse_invoice_callback(float_like.as_bytes())
            .unwrap()
            .paid_amount,
        Some(Money::idr(1_095_000))
    );
    let negative = paid.replace("\"paid_amount\": 1095000", "\"paid_amount\": -5");
    assert_eq!(
        parse_invoice_callback(negative.as_bytes())
            .unwrap_err()
            .code(),
        "xendit.webhook.invalid_amount"
    );
    let no_id = paid.replace("\"id\": \"65f1a2b3c4d5e6f7a8b9c0d1\",", "");
    assert_eq!(
        parse_invoice_callback(no_id.as_bytes()),
        Err(WebhookError::MissingField { field: "id" })
    );
    let bad_time = paid.replace("2024-05-01T04:12:33.000Z", "yesterday");
    assert!(matches!(
        parse_invoice_callback(bad_time.as_bytes()),
        Err(WebhookError::InvalidField {
            field: "paid_at",
            ..
        })
    ));
    let bad_currency = paid.replace("\"currency\": \"IDR\"", "\"currency\": \"XXX\"");
    assert!(matches!(
        parse_invoice_callback(bad_currency.as_bytes()),
        Err(WebhookError::InvalidField {
            field: "currency",
            ..
        })
    ));
}

#[test]
fn refund_webhooks() {
    let v = verifier();
    let ok_refund = v
        .refund(ok(), &fixture("refund_callback_succeeded.json"))
        .unwrap();
    assert_eq!(ok_refund.outcome, RefundOutcome::Succeeded);
    assert_eq!(ok_refund.reference, "refund-9b1deb4d-1");
    assert_eq!(
        ok_refund.provider_event_id,
        "rfd-6f4a1b2c-3d4e-4f5a-8b9c-0d1e2f3a4b5c"
    );
    assert_eq!(ok_refund.failure_code, None);

    let failed = v
        .refund(ok(), &fixture("refund_callback_failed.json"))
        .unwrap();
    assert_eq!(failed.outcome, RefundOutcome::Failed);
    assert_eq!(failed.failure_code.as_deref(), Some("INSUFFICIENT_BALANCE"));

    let text = String::from_utf8(fixture("refund_callback_succeeded.json")).unwrap();
    let unknown_event = text.replace("refund.succeeded", "refund.pending");
    assert!(matches!(
        v.refund(ok(), unknown_event.as_bytes()),
        Err(WebhookError::UnknownEvent { .. })
    ));
    let inconsistent = text.replace("\"status\": \"SUCCEEDED\"", "\"status\": \"FAILED\"");
    assert!(matches!(
        v.refund(ok(), inconsistent.as_bytes()),
        Err(WebhookError::InconsistentStatus { .. })
    ));
    let unknown_status = text.replace("\"status\": \"SUCCEEDED\"", "\"status\": \"WAT\"");
    assert!(matches!(
        v.refund(ok(), unknown_status.as_bytes()),
        Err(WebhookError::UnknownStatus { .. })
    ));
    let no_reference = text.replace("\"reference_id\": \"refund-9b1deb4d-1\",", "");
    assert_eq!(
        v.refund(ok(), no_reference.as_bytes()),
        Err(WebhookError::MissingField {
            field: "data.reference_id"
        })
    );
}

#[test]
fn disbursement_callbacks() {
    let v = verifier();
    let done = v
        .disbursement(ok(), &fixture("disbursement_callback_completed.json"))
        .unwrap();
    assert_eq!(done.outcome, PayoutEvent::Completed);
    assert_eq!(done.external_id, "wd-3f2e1d0c-attempt-1");
    assert_eq!(done.failure_code, None);
    let failed = v
        .disbursement(ok(), &fixture("disbursement_callback_failed.json"))
        .unwrap();
    assert_eq!(failed.outcome, PayoutEvent::Failed);
    assert_eq!(failed.failure_code.as_deref(), Some("INVALID_DESTINATION"));
    let text = String::from_utf8(fixture("disbursement_callback_completed.json")).unwrap();
    let pending = text.replace("\"COMPLETED\"", "\"PENDING\"");
    assert!(matches!(
        v.disbursement(ok(), pending.as_bytes()),
        Err(WebhookError::UnknownStatus { .. })
    ));
}

#[test]
fn batch_partial_failure() {
    let body = fixture("batch_callback_partial.json");
    let items = verifier().batch_disbursement(ok(), &body).unwrap();
    assert_eq!(items.len(), 3);
    let outcomes: Vec<_> = items
        .iter()
        .map(|n| (n.external_id.as_str(), n.outcome, n.failure_code.as_deref()))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            ("wd-3f2e1d0c-attempt-1", PayoutEvent::Completed, None),
            ("wd-8a7b6c5d-attempt-1", PayoutEvent::Completed, None),
            (
                "wd-1c2d3e4f-attempt-2",
                PayoutEvent::Failed,
                Some("TEMPORARY_TRANSFER_ERROR")
            ),
        ]
    );
    // The replayed batch callback gives exactly the same dedup keys.
    let again = parse_batch_disbursement_callback(&body).unwrap();
    let keys = |v: &[patungan_core::notices::PayoutNotification]| {
        v.iter()
            .map(|n| ProviderNotification::Payout(n.clone()).dedup_key())
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(&items), keys(&again));
    let text = String::from_utf8(body).unwrap();
    let unknown = text.replacen("\"status\": \"FAILED\"", "\"status\": \"LOST\"", 1);
    assert!(matches!(
        parse_batch_disbursement_callback(unknown.as_bytes()),
        Err(WebhookError::UnknownStatus {
            field: "disbursements[].status",
            ..
        })
    ));
    assert_eq!(
        parse_batch_disbursement_callback(br#"{"id":"b1"}"#),
        Err(WebhookError::MissingField {
            field: "disbursements"
        })
    );
}

fn paid_text() -> String {
    String::from_utf8(fixture("invoice_callback_paid.json")).unwrap()
}

#[test]
fn a_paid_callback_without_currency_is_refused_not_taken_as_idr() {
    let paid = paid_text();
    let without = paid.replace("\"currency\": \"IDR\",", "");
    assert!(!without.contains("currency"), "{without}");
    assert_eq!(
        parse_invoice_callback(without.as_bytes()),
        Err(WebhookError::MissingField { field: "currency" })
    );
    let empty = paid.replace("\"currency\": \"IDR\"", "\"currency\": \"\"");
    assert_eq!(
        parse_invoice_callback(empty.as_bytes()).unwrap_err().code(),
        "xendit.webhook.invalid_field"
    );
    // The amount is taken in the currency sent, for the engine to compare with the invoice.
    let usd = paid.replace("\"currency\": \"IDR\"", "\"currency\": \"USD\"");
    let n = parse_invoice_callback(usd.as_bytes()).unwrap();
    assert_eq!(
        n.paid_amount.map(|m| m.currency()),
        Some(patungan_core::Currency::USD)
    );
    // An expiry moves no money and needs no currency.
    let expired = String::from_utf8(fixture("invoice_callback_expired.json")).unwrap();
    let expired = expired.replace(",\n  \"currency\": \"IDR\"", "");
    assert!(!expired.contains("currency"), "{expired}");
    assert_eq!(
        parse_invoice_callback(expired.as_bytes()).unwrap().status,
        PaymentStatus::Expired
    );
}

#[test]
fn control_characters_in_ids_and_codes_are_refused() {
    let paid = paid_text();
    let cases = [
        ("65f1a2b3c4d5e6f7a8b9c0d1", "65f1a2b3\\u0000c4d5", "id"),
        (
            "\"BANK_TRANSFER\"",
            "\"BANK\\u0000TRANSFER\"",
            "payment_method",
        ),
        ("\"BCA\"", "\"BCA\\n\"", "payment_channel"),
    ];
    for (from, to, field) in cases {
        let hostile = paid.replace(from, to);
        assert_ne!(hostile, paid, "{from}");
        let err = parse_invoice_callback(hostile.as_bytes()).unwrap_err();
        assert!(
            matches!(err, WebhookError::InvalidField { field: f, .. } if f == field),
            "{field}: {err:?}"
        );
        assert!(err.to_string().contains("control character"), "{err}");
    }
    let batch = String::from_utf8(fixture("batch_callback_partial.json")).unwrap();
    let hostile = batch.replacen("wd-3f2e1d0c-attempt-1", "wd-\\u0000-attempt-1", 1);
    assert_ne!(hostile, batch);
    let err = parse_batch_disbursement_callback(hostile.as_bytes()).unwrap_err();
    assert_eq!(err.code(), "xendit.webhook.invalid_field", "{err}");
    let refund = String::from_utf8(fixture("refund_callback_failed.json")).unwrap();
    let hostile = refund.replacen("\"reference_id\": \"", "\"reference_id\": \"\\u0000", 1);
    assert_ne!(hostile, refund);
    let err = patungan_xendit::parse_refund_callback(hostile.as_bytes()).unwrap_err();
    assert_eq!(err.code(), "xendit.webhook.invalid_field", "{err}");
}
