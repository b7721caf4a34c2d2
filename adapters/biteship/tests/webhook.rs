//! Biteship webhooks: optional HMAC-SHA256 signature, typed parsing, full status list.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use patungan_biteship::{
    is_installation_probe, parse_webhook, signature_hex, BiteshipWebhook, Secret, WebhookError,
};
use patungan_core::notices::ProviderNotification;
use patungan_core::Money;
use patungan_ports::ShipmentStatus;

const SECRET: &str = "biteship-webhook-secret";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn signed() -> BiteshipWebhook {
    BiteshipWebhook::signed(Secret::new(SECRET))
}

fn sign(body: &[u8]) -> String {
    signature_hex(&Secret::new(SECRET), body)
}

#[test]
fn order_status_event() {
    let body = fixture("webhook_order_status.json");
    let n = signed().parse(Some(sign(&body).as_bytes()), &body).unwrap();
    assert_eq!(n.provider_order_id, "5dd599ebdefcd4158eb8470b");
    assert_eq!(n.status, ShipmentStatus::Picked);
    assert_eq!(n.waybill_id.as_deref(), Some("0123082100003094"));
    assert_eq!(n.price, Some(Money::idr(15_000)));
}

#[test]
fn waybill_and_price_events() {
    let body = fixture("webhook_order_waybill.json");
    let n = parse_webhook(&body).unwrap();
    assert_eq!(n.status, ShipmentStatus::Allocated);
    assert_eq!(n.waybill_id.as_deref(), Some("0123082100003094"));
    assert_eq!(n.price, None);

    let body = fixture("webhook_order_price.json");
    let n = parse_webhook(&body).unwrap();
    assert_eq!(n.price, Some(Money::idr(18_000)));
    assert_eq!(n.status, ShipmentStatus::Picked);

    let text = String::from_utf8(body).unwrap();
    let no_price = text.replace("\"price\": 18000,", "");
    assert_eq!(
        parse_webhook(no_price.as_bytes()),
        Err(WebhookError::MissingField { field: "price" })
    );
    let waybill = String::from_utf8(fixture("webhook_order_waybill.json")).unwrap();
    let no_waybill = waybill.replace("\"courier_waybill_id\": \"0123082100003094\",", "");
    assert_eq!(
        parse_webhook(no_waybill.as_bytes()),
        Err(WebhookError::MissingField {
            field: "courier_waybill_id"
        })
    );
}

#[test]
fn signature_right_wrong_missing() {
    let body = fixture("webhook_order_status.json");
    let webhook = signed();
    let good = sign(&body);
    assert!(webhook.verify(Some(good.as_bytes()), &body).is_ok());
    assert!(webhook
        .verify(Some(good.to_uppercase().as_bytes()), &body)
        .is_ok());
    assert!(webhook
        .verify(Some(format!("sha256={good}").as_bytes()), &body)
        .is_ok());
    // The same signature over a different body fails.
    let mut tampered = body.clone();
    tampered[10] ^= 1;
    assert_eq!(
        webhook.verify(Some(good.as_bytes()), &tampered),
        Err(WebhookError::InvalidSignature)
    );
    // A signature made with another secret fails.
    let other = signature_hex(&Secret::new("another"), &body);
    assert_eq!(
        webhook.parse(Some(other.as_bytes()), &body),
        Err(WebhookError::InvalidSignature)
    );
    assert_eq!(
        webhook.parse(None, &body),
        Err(WebhookError::MissingSignature)
    );
    assert_eq!(
        webhook.parse(Some(b"not-hex"), &body),
        Err(WebhookError::MalformedSignature)
    );
    assert!(webhook.parse(None, &body).unwrap_err().is_auth_failure());
    // The signature is checked before the body is parsed.
    assert_eq!(
        webhook.parse(Some(good.as_bytes()), b"{garbage"),
        Err(WebhookError::InvalidSignature)
    );
    // Unsigned mode ignores the header.
    assert!(BiteshipWebhook::unsigned().parse(None, &body).is_ok());
    let shown = format!("{:?} {}", webhook, WebhookError::InvalidSignature);
    assert!(!shown.contains(SECRET), "{shown}");
}

#[test]
fn duplicates_share_a_dedup_key() {
    let body = fixture("webhook_order_status.json");
    let a = ProviderNotification::Shipment(parse_webhook(&body).unwrap());
    let b = ProviderNotification::Shipment(parse_webhook(&body).unwrap());
    assert_eq!(a, b);
    assert_eq!(
        a.dedup_key(),
        "shipment:5dd599ebdefcd4158eb8470b:Picked:0123082100003094:IDR 15000"
    );
    assert_eq!(a.dedup_key(), b.dedup_key());
}

#[test]
fn every_documented_status_maps_and_unknown_is_typed() {
    let text = String::from_utf8(fixture("webhook_order_status.json")).unwrap();
    let cases = [
        ("confirmed", ShipmentStatus::Confirmed),
        ("scheduled", ShipmentStatus::Confirmed),
        ("allocated", ShipmentStatus::Allocated),
        ("picking_up", ShipmentStatus::PickingUp),
        ("pickingUp", ShipmentStatus::PickingUp),
        ("picked", ShipmentStatus::Picked),
        ("dropping_off", ShipmentStatus::DroppingOff),
        ("droppingOff", ShipmentStatus::DroppingOff),
        ("delivered", ShipmentStatus::Delivered),
        ("on_hold", ShipmentStatus::OnHold),
        ("onHold", ShipmentStatus::OnHold),
        ("cancelled", ShipmentStatus::Cancelled),
        ("rejected", ShipmentStatus::Rejected),
        ("courier_not_found", ShipmentStatus::CourierNotFound),
        ("return_in_transit", ShipmentStatus::ReturnInTransit),
        ("returnInTransit", ShipmentStatus::ReturnInTransit),
        ("returned", ShipmentStatus::Returned),
        ("disposed", ShipmentStatus::Disposed),
    ];
    for (wire, expected) in cases {
        let body = text.replace("\"status\": \"picked\"", &format!("\"status\": \"{wire}\""));
        assert_eq!(
            parse_webhook(body.as_bytes()).unwrap().status,
            expected,
            "{wire}"
        );
    }
    let body = text.replace("\"status\": \"picked\"", "\"status\": \"in_transit\"");
    assert_eq!(
        parse_webhook(body.as_bytes()),
        Err(WebhookError::UnknownStatus {
            value: "in_transit".into()
        })
    );
    let body = text.replace("order.status", "order.teleported");
    assert_eq!(
        parse_webhook(body.as_bytes()).unwrap_err().code(),
        "biteship.webhook.unknown_event"
    );
}

#[test]
fn installation_probe_and_bad_bodies() {
    assert!(is_installation_probe(b""));
    assert_eq!(parse_webhook(b""), Err(WebhookError::EmptyBody));
    assert_eq!(
        parse_webhook(b"{}"),
        Err(WebhookError::MissingField { field: "event" })
    );
    assert_eq!(
        parse_webhook(b"[]").unwrap_err().code(),
        "biteship.webhook.malformed_json"
    );
    let text = String::from_utf8(fixture("webhook_order_status.json")).unwrap();
    let fractional = text.replace("\"order_price\": 15000", "\"order_price\": 15000.25");
    assert!(matches!(
        parse_webhook(fractional.as_bytes()),
        Err(WebhookError::Amount {
            field: "order_price",
            ..
        })
    ));
}

#[test]
fn control_characters_in_ids_are_refused() {
    let body = String::from_utf8(fixture("webhook_order_status.json")).unwrap();
    let cases = [
        (
            "5dd599ebdefcd4158eb8470b",
            "5dd599eb\\u0000defcd415",
            "order_id",
        ),
        (
            "0123082100003094",
            "0123\\u0000082100",
            "courier_waybill_id",
        ),
        ("\"order.status\"", "\"order.status\\r\"", "event"),
    ];
    for (from, to, field) in cases {
        let hostile = body.replace(from, to);
        assert_ne!(hostile, body, "{from}");
        let err = parse_webhook(hostile.as_bytes()).unwrap_err();
        assert!(
            matches!(err, WebhookError::InvalidField { field: f, .. } if f == field),
            "{field}: {err:?}"
        );
        assert_eq!(err.code(), "biteship.webhook.invalid_field");
        assert!(!err.is_auth_failure());
    }
}
