//! `Disburser::payout_status` against a fake Xendit on 127.0.0.1 (wiremock) answering
//! `GET /disbursements?external_id=` in the documented wire format (fixtures in
//! tests/fixtures/).
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::Duration;

use patungan_ports::{Disburser, FailureClass, PayoutStatus, PortError};
use patungan_xendit::{Secret, XenditClient, XenditConfig, XenditGateway};
use wiremock::matchers::{basic_auth, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "xnd_development_TESTKEY123";
const ITEM: &str = "wdi-0000000a-0000-0000-0000-000000000001-1";

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The status Xendit's answer (`status`, body) to the lookup of [`ITEM`] gives.
async fn status_for(status: u16, body: String) -> Result<PayoutStatus, PortError> {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/disbursements"))
        .and(query_param("external_id", ITEM))
        .and(basic_auth(KEY, ""))
        .respond_with(ResponseTemplate::new(status).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = XenditClient::new(
        XenditConfig::new(Secret::new(KEY))
            .with_base_url(server.uri())
            .with_timeouts(Duration::from_secs(1), Duration::from_secs(5)),
    )
    .unwrap();
    XenditGateway::new(client).payout_status(ITEM).await
}

#[tokio::test]
async fn pending_completed_and_failed_map_to_the_payout_status() {
    let cases = [
        ("disbursement_list_pending.json", PayoutStatus::Pending),
        ("disbursement_list_completed.json", PayoutStatus::Completed),
        (
            "disbursement_list_failed.json",
            PayoutStatus::Failed {
                failure_code: "INVALID_DESTINATION".into(),
            },
        ),
    ];
    for (name, expected) in cases {
        assert_eq!(
            status_for(200, fixture(name)).await.unwrap(),
            expected,
            "{name}"
        );
    }
}

#[tokio::test]
async fn an_empty_list_or_a_404_means_not_found() {
    assert_eq!(
        status_for(200, "[]".into()).await.unwrap(),
        PayoutStatus::NotFound
    );
    assert_eq!(
        status_for(404, fixture("error_disbursement_not_found.json"))
            .await
            .unwrap(),
        PayoutStatus::NotFound
    );
    // Only disbursements under our exact external id count.
    let other = fixture("disbursement_list_completed.json").replace(ITEM, "wdi-other-1");
    assert_eq!(
        status_for(200, other).await.unwrap(),
        PayoutStatus::NotFound
    );
}

#[tokio::test]
async fn a_failure_without_code_and_an_unknown_status_stay_typed() {
    let failed =
        r#"[{"id":"d1","external_id":"ITEM","amount":97500,"bank_code":"BCA","status":"FAILED"}]"#
            .replace("ITEM", ITEM);
    assert_eq!(
        status_for(200, failed).await.unwrap(),
        PayoutStatus::Failed {
            failure_code: "UNKNOWN".into()
        }
    );
    // A status this adapter does not know decides nothing.
    let unknown = fixture("disbursement_list_pending.json").replace("PENDING", "ON_HOLD");
    assert_eq!(
        status_for(200, unknown).await.unwrap(),
        PayoutStatus::Pending
    );
}

#[tokio::test]
async fn client_errors_are_permanent_and_server_errors_retryable() {
    let err = status_for(401, fixture("error_unauthorized.json"))
        .await
        .unwrap_err();
    assert_eq!(
        (err.class, err.code.as_str(), err.operation),
        (FailureClass::Permanent, "INVALID_API_KEY", "payout_status")
    );
    let err = status_for(400, fixture("error_validation.json"))
        .await
        .unwrap_err();
    assert_eq!(
        (err.class, err.code.as_str()),
        (FailureClass::Permanent, "API_VALIDATION_ERROR")
    );
    let err = status_for(500, fixture("error_server.json"))
        .await
        .unwrap_err();
    assert_eq!(
        (err.class, err.code.as_str()),
        (FailureClass::Retryable, "SERVER_ERROR")
    );
    let err = status_for(503, "<html>down</html>".into())
        .await
        .unwrap_err();
    assert!(err.is_retryable(), "{err}");
}
