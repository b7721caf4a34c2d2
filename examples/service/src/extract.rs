//! Request extractors whose refusals are JSON errors like every other error.

use std::str::FromStr;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::routes::MAX_BODY_BYTES;

/// A JSON request body, read strictly: a malformed one, or one with a field the
/// endpoint does not know at any depth (e.g. `config.ladder.rungs[0].extra`), is a 400
/// `request.invalid_json` naming the field; a body over the size limit is a 413
/// `request.body_too_large`; without a JSON content type, a 415 `request.not_json`.
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "request.not_json",
                "send the body as JSON with `Content-Type: application/json`",
            ));
        }
        let RawBody(bytes) = RawBody::from_request(req, state).await?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// Whether the content type is JSON (`application/json` or `application/*+json`).
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return false;
    };
    let Ok(text) = value.to_str() else {
        return false;
    };
    let mime = text.split(';').next().unwrap_or_default().trim();
    let mime = mime.to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

/// Parses `bytes` as a `T`, refusing unknown fields at every depth, including inside
/// the core types a request embeds (whose own serde form stays lenient, so stored
/// states written by a newer version still load).
///
/// ```
/// use patungan_core::Money;
/// use patungan_service::extract::parse_json;
///
/// let money: Money = parse_json(br#"{"amount":"5","currency":"IDR"}"#)?;
/// assert_eq!(money, Money::idr(5));
/// let err = parse_json::<Money>(br#"{"amount":"5","currency":"IDR","x":1}"#).unwrap_err();
/// assert_eq!(err.code, "request.invalid_json");
/// assert!(err.message.contains("unknown field `x`"), "{}", err.message);
/// # Ok::<(), patungan_service::error::ApiError>(())
/// ```
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let invalid = |message: String| ApiError::bad_request("request.invalid_json", message);
    let mut unknown: Option<String> = None;
    let mut record = |path: serde_ignored::Path<'_>| {
        unknown.get_or_insert_with(|| path.to_string());
    };
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let parsed: Result<T, _> =
        serde_path_to_error::deserialize(serde_ignored::Deserializer::new(&mut json, &mut record));
    let value = parsed.map_err(|e| invalid(format!("invalid request body: {e}")))?;
    json.end()
        .map_err(|e| invalid(format!("invalid request body: {e}")))?;
    match unknown {
        Some(path) => Err(invalid(format!(
            "unknown field `{path}`; remove it or check its spelling"
        ))),
        None => Ok(value),
    }
}

/// The raw request body (webhooks verify it before parsing); one over the size limit is a
/// 413 `request.body_too_large`, one that cannot be read otherwise a 4xx
/// `request.unreadable_body`.
#[derive(Debug, Clone)]
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(req, state)
            .await
            .map(RawBody)
            .map_err(|rejection: BytesRejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    body_too_large()
                } else {
                    ApiError::new(
                        rejection.status(),
                        "request.unreadable_body",
                        rejection.body_text(),
                    )
                }
            })
    }
}

/// The 413 for a request body over [`MAX_BODY_BYTES`].
pub fn body_too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "request.body_too_large",
        format!("the request body is larger than the {MAX_BODY_BYTES} bytes accepted"),
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn json_request(body: Vec<u8>) -> Request {
        Request::builder()
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap()
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_a_413_even_without_a_declared_length() {
        let request = json_request(vec![b' '; 3 << 20]);
        assert!(request.headers().get(header::CONTENT_LENGTH).is_none());
        let err = JsonBody::<serde_json::Value>::from_request(request, &())
            .await
            .unwrap_err();
        assert_eq!(err.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(err.code, "request.body_too_large");
    }

    #[tokio::test]
    async fn unknown_nested_fields_are_named() {
        #[derive(Debug, serde::Deserialize)]
        struct Outer {
            #[allow(dead_code)]
            money: patungan_core::Money,
        }
        let body = br#"{"money":{"amount":"1","currency":"IDR","extra":true}}"#.to_vec();
        let err = JsonBody::<Outer>::from_request(json_request(body), &())
            .await
            .unwrap_err();
        assert_eq!(err.code, "request.invalid_json");
        assert!(err.message.contains("money.extra"), "{}", err.message);
        let text = Request::builder().body(Body::from("{}")).unwrap();
        let err = JsonBody::<serde_json::Value>::from_request(text, &())
            .await
            .unwrap_err();
        assert_eq!(err.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(is_json(json_request(vec![]).headers()));
        let mut vendor = HeaderMap::new();
        vendor.insert(
            header::CONTENT_TYPE,
            "application/vnd.api+json; charset=utf-8".parse().unwrap(),
        );
        assert!(is_json(&vendor));
    }
}
