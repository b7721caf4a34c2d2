//! The Biteship client and shipping port against a fake Biteship on 127.0.0.1 (wiremock)
//! speaking the documented wire format (fixtures in tests/fixtures/).
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::Duration;

use chrono::{TimeZone, Utc};
use patungan_biteship::{BiteshipClient, BiteshipConfig, BiteshipProvider, Secret};
use patungan_core::{Currency, Money, OrderId};
use patungan_ports::{
    Contact, FailureClass, Location, ParcelItem, RateRequest, ShipmentCancellation,
    ShipmentRequest, ShipmentStatus, ShippingProvider,
};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "biteship_test.eyJTESTKEY";
const ORDER: &str = "8c2f1d7e-6b5a-4c3d-9e8f-7a6b5c4d3e2f";

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn json(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json")
}

fn provider_for(server: &MockServer, request_timeout: Duration) -> BiteshipProvider {
    BiteshipProvider::new(
        BiteshipClient::new(
            BiteshipConfig::new(Secret::new(KEY))
                .with_base_url(server.uri())
                .with_timeouts(Duration::from_secs(1), request_timeout),
        )
        .unwrap(),
    )
}

/// Biteship's order `5dd599ebdefcd4158eb8470b` (courier tracking id
/// `6d6a3b1f2c0e4c1a8e7f0b2d`), as `GET /v1/orders/{id}` returns it.
const BITESHIP_ORDER: &str = "5dd599ebdefcd4158eb8470b";

/// Answers `GET /v1/orders/{order}` with the created order, its tracking id `tracking`.
async fn mount_order(server: &MockServer, order: &str, tracking: &str) {
    Mock::given(method("GET"))
        .and(path(format!("/v1/orders/{order}")))
        .and(header("authorization", KEY))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(
                fixture("order_created.json")
                    .replace(BITESHIP_ORDER, order)
                    .replace("6d6a3b1f2c0e4c1a8e7f0b2d", tracking),
                "application/json",
            ),
        )
        .mount(server)
        .await;
}

async fn setup() -> (MockServer, BiteshipProvider) {
    let server = MockServer::start().await;
    let provider = provider_for(&server, Duration::from_secs(5));
    (server, provider)
}

fn postal(code: &str) -> Location {
    Location {
        postal_code: Some(code.into()),
        ..Location::default()
    }
}

fn item() -> ParcelItem {
    ParcelItem {
        name: "Kaos polos".into(),
        value: Money::idr(105_000),
        quantity: 2,
        weight_grams: 200,
        dimensions_cm: Some((30, 20, 5)),
    }
}

fn rate_request() -> RateRequest {
    RateRequest {
        origin: postal("12440"),
        destination: postal("40115"),
        couriers: vec![
            "jne".into(),
            "jnt".into(),
            "sicepat".into(),
            "anteraja".into(),
        ],
        items: vec![item()],
    }
}

fn shipment_request() -> ShipmentRequest {
    ShipmentRequest {
        order_id: ORDER.parse::<OrderId>().unwrap(),
        booking: 1,
        origin: Contact {
            name: "Gudang Patungan".into(),
            phone: "0812345678".into(),
            address: "Jl. Gudang No. 1".into(),
            location: Location {
                postal_code: Some("12440".into()),
                area_id: None,
                coordinate: Some((-6.2253114, 106.7993735)),
            },
        },
        destination: Contact {
            name: "Budi Santoso".into(),
            phone: "0898765432".into(),
            address: "Jl. Asia Afrika No. 8".into(),
            location: postal("40115"),
        },
        courier_code: "jne".into(),
        service_code: "reg".into(),
        items: vec![item()],
    }
}

#[tokio::test]
async fn rates_send_the_key_and_documented_body() {
    let (server, provider) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/rates/couriers"))
        .and(header("authorization", KEY))
        .and(body_partial_json(serde_json::json!({
            "origin_postal_code": 12440,
            "destination_postal_code": 40115,
            "couriers": "jne,jnt,sicepat,anteraja",
            "items": [{"name": "Kaos polos", "value": 105_000, "quantity": 2, "weight": 200,
                       "length": 30, "width": 20, "height": 5}],
        })))
        .respond_with(json(200, "rates_response.json"))
        .expect(1)
        .mount(&server)
        .await;
    let rates = provider.rates(&rate_request()).await.unwrap();
    assert_eq!(rates.len(), 2);
    assert_eq!(rates[0].courier_code, "jne");
    assert_eq!(rates[0].service_code, "reg");
    assert_eq!(rates[0].price, Money::idr(15_000));
    assert_eq!(rates[0].duration, "1 - 2 days");
    assert_eq!(rates[1].price, Money::idr(11_000));
    assert_eq!(rates[1].duration, "2 - 4 days");
}

#[tokio::test]
async fn client_errors_are_permanent_server_errors_retryable() {
    let (server, provider) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/rates/couriers"))
        .respond_with(json(400, "error_validation.json"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/rates/couriers"))
        .respond_with(json(500, "error_server.json"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/rates/couriers"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "2")
                .set_body_raw(
                    r#"{"success":false,"error":"Too many requests"}"#,
                    "application/json",
                ),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/rates/couriers"))
        .respond_with(json(401, "error_auth.json"))
        .mount(&server)
        .await;

    let err = provider.rates(&rate_request()).await.unwrap_err();
    assert_eq!(
        (err.class, err.code.as_str()),
        (FailureClass::Permanent, "40002010")
    );
    let err = provider.rates(&rate_request()).await.unwrap_err();
    assert_eq!(
        (err.class, err.code.as_str()),
        (FailureClass::Retryable, "50000000")
    );
    let err = provider.rates(&rate_request()).await.unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(err.retry_after, Some(Duration::from_secs(2)));
    let err = provider.rates(&rate_request()).await.unwrap_err();
    assert_eq!(
        (err.class, err.code.as_str()),
        (FailureClass::Permanent, "40100001")
    );
    assert_eq!(err.provider, "biteship");
    let shown = format!("{err} {err:?} {provider:?}");
    assert!(!shown.contains("TESTKEY"), "key leaked: {shown}");
}

#[tokio::test]
async fn timeouts_are_retryable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/trackings/6d6a3b1f2c0e4c1a8e7f0b2d"))
        .respond_with(json(200, "tracking.json").set_delay(Duration::from_millis(1500)))
        .mount(&server)
        .await;
    mount_order(&server, BITESHIP_ORDER, "6d6a3b1f2c0e4c1a8e7f0b2d").await;
    let provider = provider_for(&server, Duration::from_millis(200));
    let err = provider.tracking(BITESHIP_ORDER).await.unwrap_err();
    assert_eq!(err.code, "TIMEOUT");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn malformed_and_unsuccessful_bodies() {
    let (server, provider) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/rates/couriers"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("{\"pricing\": [", "application/json"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/rates/couriers"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"success":false,"error":"No courier available","code":40001001}"#,
            "application/json",
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/rates/couriers"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            fixture("rates_response.json").replace("\"price\": 15000", "\"price\": 15000.5"),
            "application/json",
        ))
        .mount(&server)
        .await;
    let err = provider.rates(&rate_request()).await.unwrap_err();
    assert_eq!(err.code, "MALFORMED_RESPONSE");
    assert!(err.is_retryable());
    let err = provider.rates(&rate_request()).await.unwrap_err();
    assert_eq!(
        (err.class, err.code.as_str()),
        (FailureClass::Permanent, "40001001")
    );
    let err = provider.rates(&rate_request()).await.unwrap_err();
    assert_eq!(err.code, "money.too_many_decimals");
    assert_eq!(err.class, FailureClass::Permanent);
}

#[tokio::test]
async fn create_shipment_books_with_our_order_id() {
    let (server, provider) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/orders"))
        .and(header("authorization", KEY))
        .and(body_partial_json(serde_json::json!({
            "reference_id": ORDER,
            "courier_company": "jne",
            "courier_type": "reg",
            "delivery_type": "now",
            "origin_contact_name": "Gudang Patungan",
            "origin_postal_code": 12440,
            "origin_coordinate": {"latitude": -6.2253114, "longitude": 106.7993735},
            "destination_postal_code": 40115,
            "destination_address": "Jl. Asia Afrika No. 8",
            "items": [{"value": 105_000, "weight": 200}],
        })))
        .respond_with(json(200, "order_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    let shipment = provider.create_shipment(&shipment_request()).await.unwrap();
    assert_eq!(shipment.provider_order_id, "5dd599ebdefcd4158eb8470b");
    assert_eq!(shipment.status, ShipmentStatus::Confirmed);
    assert_eq!(shipment.waybill_id, None);
    assert_eq!(shipment.price, Some(Money::idr(15_000)));
}

#[tokio::test]
async fn a_booked_order_with_an_odd_status_is_still_booked() {
    let (server, provider) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/orders"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(
                fixture("order_created.json")
                    .replace("\"status\": \"confirmed\"", "\"status\": \"brand_new\""),
                "application/json",
            ),
        )
        .mount(&server)
        .await;
    let shipment = provider.create_shipment(&shipment_request()).await.unwrap();
    assert_eq!(shipment.status, ShipmentStatus::Confirmed);
}

#[tokio::test]
async fn tracking_maps_every_step() {
    let (server, provider) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/trackings/6d6a3b1f2c0e4c1a8e7f0b2d"))
        .and(header("authorization", KEY))
        .respond_with(json(200, "tracking.json"))
        .mount(&server)
        .await;
    mount_order(&server, BITESHIP_ORDER, "6d6a3b1f2c0e4c1a8e7f0b2d").await;
    // The engine names the shipment by Biteship's order id; Biteship tracks by the
    // courier's tracking id, which the order carries.
    let tracking = provider.tracking(BITESHIP_ORDER).await.unwrap();
    assert_eq!(tracking.tracking_id, "6d6a3b1f2c0e4c1a8e7f0b2d");
    assert_eq!(tracking.status, ShipmentStatus::Delivered);
    assert_eq!(tracking.waybill_id.as_deref(), Some("0123082100003094"));
    let steps: Vec<_> = tracking.history.iter().map(|e| e.status).collect();
    assert_eq!(
        steps,
        vec![
            ShipmentStatus::Confirmed,
            ShipmentStatus::Allocated,
            ShipmentStatus::PickingUp,
            ShipmentStatus::Picked,
            ShipmentStatus::DroppingOff,
            ShipmentStatus::Delivered,
        ]
    );
    assert_eq!(
        tracking.history[0].at,
        Utc.with_ymd_and_hms(2024, 5, 10, 3, 0, 0).unwrap()
    );
    assert_eq!(tracking.history[5].note, "Delivered to BUDI.");
}

#[tokio::test]
async fn tracking_unknown_status_and_not_found() {
    let (server, provider) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/trackings/odd"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            fixture("tracking.json").replace(
                "\"status\": \"delivered\"\n",
                "\"status\": \"teleported\"\n",
            ),
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/trackings/missing"))
        .respond_with(json(404, "error_not_found.json"))
        .mount(&server)
        .await;
    mount_order(&server, "order-odd", "odd").await;
    mount_order(&server, "order-missing", "missing").await;
    Mock::given(method("GET"))
        .and(path("/v1/orders/gone"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            r#"{"success":false,"error":"Order not found","code":40400002}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let err = provider.tracking("order-odd").await.unwrap_err();
    assert_eq!(
        (err.class, err.code.as_str()),
        (FailureClass::Permanent, "UNKNOWN_STATUS")
    );
    assert!(err.message.contains("teleported"));
    let err = provider.tracking("order-missing").await.unwrap_err();
    assert_eq!(
        (err.class, err.code.as_str()),
        (FailureClass::Permanent, "40400001")
    );
    let err = provider.tracking("gone").await.unwrap_err();
    assert_eq!(
        (err.class, err.code.as_str()),
        (FailureClass::Permanent, "40400002")
    );
}

#[tokio::test]
async fn bad_requests_are_refused_before_sending() {
    let (server, provider) = setup().await;
    let mut request = rate_request();
    request.origin = Location::default();
    assert_eq!(
        provider.rates(&request).await.unwrap_err().code,
        "INVALID_REQUEST"
    );
    let mut request = rate_request();
    request.destination.postal_code = Some("40-115".into());
    assert_eq!(
        provider.rates(&request).await.unwrap_err().code,
        "INVALID_REQUEST"
    );
    let mut request = rate_request();
    request.couriers = vec!["jne,jnt".into()];
    assert_eq!(
        provider.rates(&request).await.unwrap_err().code,
        "INVALID_REQUEST"
    );
    let mut request = rate_request();
    request.items[0].value = Money::parse("3.50", Currency::USD).unwrap();
    assert_eq!(
        provider.rates(&request).await.unwrap_err().code,
        "amount.not_idr"
    );
    let mut request = shipment_request();
    request.origin.location.coordinate = Some((f64::NAN, 0.0));
    assert_eq!(
        provider.create_shipment(&request).await.unwrap_err().code,
        "INVALID_REQUEST"
    );
    assert_eq!(
        provider.tracking("../x").await.unwrap_err().code,
        "INVALID_REQUEST"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn cancel_shipment_posts_the_documented_reason_and_refusals_are_permanent() {
    let (server, provider) = setup().await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/orders/{BITESHIP_ORDER}/cancel")))
        .and(header("authorization", KEY))
        .and(body_partial_json(serde_json::json!({
            "cancellation_reason_code": "others",
            "cancellation_reason": "order no longer wants booking 1",
        })))
        .respond_with(json(200, "order_cancelled.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/orders/picked_already/cancel"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            r#"{"success":false,"error":"Order can not be cancelled","code":40002033}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let cancellation = |id: &str| ShipmentCancellation {
        order: OrderId::from_u128(7),
        provider_order_id: id.into(),
        reason: "order no longer wants booking 1".into(),
    };
    provider
        .cancel_shipment(&cancellation(BITESHIP_ORDER))
        .await
        .unwrap();
    let err = provider
        .cancel_shipment(&cancellation("picked_already"))
        .await
        .unwrap_err();
    assert_eq!(err.class, FailureClass::Permanent);
    let err = provider
        .cancel_shipment(&cancellation("../v1/rates"))
        .await
        .unwrap_err();
    assert_eq!(err.class, FailureClass::Permanent, "refused before sending");
}
