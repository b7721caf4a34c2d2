//! Request extractors whose refusals are JSON errors like every other error.

use std::str::FromStr;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::Json;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON request body; a malformed one is a 400 `request.invalid_json` (or 415
/// `request.not_json` without a JSON content type).
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "request.not_json",
                "send the body as JSON with `Content-Type: application/json`",
            )),
            Err(rejection) => Err(ApiError::bad_request(
                "request.invalid_json",
                rejection.body_text(),
            )),
        }
    }
}

/// The raw request body (webhooks verify it before parsing); one that cannot be read (e.g.
/// over the size limit) is a 4xx `request.unreadable_body`.
#[derive(Debug, Clone)]
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(req, state)
            .await
            .map(RawBody)
            .map_err(|rejection: BytesRejection| {
                ApiError::new(
                    rejection.status(),
                    "request.unreadable_body",
                    rejection.body_text(),
                )
            })
    }
}

/// Query parameters; unusable ones are a 400 `request.invalid_query`.
#[derive(Debug, Clone)]
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| QueryParams(value))
            .map_err(|rejection: QueryRejection| {
                ApiError::bad_request("request.invalid_query", rejection.body_text())
            })
    }
}

/// Path parameters (as strings; parse ids with [`parse_id`]); an undecodable path
/// is a 400 `request.invalid_path`.
#[derive(Debug, Clone)]
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| PathParams(value))
            .map_err(|rejection: PathRejection| {
                ApiError::bad_request("request.invalid_path", rejection.body_text())
            })
    }
}

/// Parses an id from a path segment: a 400 `request.invalid_id` names what was
/// expected.
///
/// ```
/// use patungan_core::SessionId;
/// use patungan_service::extract::parse_id;
///
/// let id: SessionId = parse_id("session", "00000000-0000-0000-0000-000000000001")?;
/// assert_eq!(id, SessionId::from_u128(1));
/// assert_eq!(parse_id::<SessionId>("session", "nope").unwrap_err().code, "request.invalid_id");
/// # Ok::<(), patungan_service::error::ApiError>(())
/// ```
pub fn parse_id<T: FromStr>(what: &str, text: &str) -> Result<T, ApiError> {
    text.trim().parse().map_err(|_| {
        ApiError::bad_request(
            "request.invalid_id",
            format!(
                "`{}` is not a {what} id (a UUID such as 9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d)",
                text.chars().take(64).collect::<String>()
            ),
        )
    })
}
