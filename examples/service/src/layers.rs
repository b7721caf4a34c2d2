//! The layers around every route: CORS from the configured allow-list, a request id
//! (`x-request-id`, kept from the client or made here) in every response and every
//! request's log span, and the request log itself (method, path, status, latency —
//! never headers, so no token reaches a log line).

use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, Method, Request};
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// The request id header.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// CORS for `origins`: GET and POST with a bearer token and JSON; with no origin
/// configured, no cross-origin call is allowed.
pub fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, REQUEST_ID])
        .expose_headers([REQUEST_ID, header::RETRY_AFTER])
}

/// The log span of a request: method, path (no query) and request id.
fn span(request: &Request<Body>) -> tracing::Span {
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = request.uri().path(),
        request_id = id,
    )
}

/// `router` inside the request log, the request id and CORS layers.
pub fn around(router: Router, cors_origins: &[String]) -> Router {
    router
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(cors(cors_origins))
}
