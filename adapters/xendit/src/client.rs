//! The HTTP core shared by every Xendit call: auth, idempotency, timeouts, error mapping.

use std::time::Duration;

use patungan_http::{
    build_client, checked_base_url, clip, is_path_token, retry_after, transport_kind,
    ClientBuildError,
};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::config::XenditConfig;
use crate::error::XenditError;
use crate::secret::Secret;

/// The header that makes a write idempotent at Xendit.
pub const IDEMPOTENCY_HEADER: &str = "X-IDEMPOTENCY-KEY";

/// A typed async client for Xendit's invoice, refund and disbursement APIs.
///
/// Every request uses HTTP Basic auth with the secret key as user name and an empty
/// password, carries explicit connect and request timeouts and follows no redirects.
#[derive(Debug, Clone)]
pub struct XenditClient {
    http: reqwest::Client,
    base_url: String,
    secret_key: Secret,
}

/// Xendit's error body: `{"error_code": "...", "message": "..."}`.
#[derive(Debug, Deserialize)]
struct ErrorBody {
    error_code: Option<String>,
    message: Option<String>,
}

impl XenditClient {
    /// Builds a client; an empty key or a base URL that is not `http(s)://…` is refused.
    pub fn new(config: XenditConfig) -> Result<Self, XenditError> {
        if config.secret_key.is_empty() {
            return Err(XenditError::Config("the secret key is empty".to_owned()));
        }
        let config_error = |e: ClientBuildError| XenditError::Config(e.to_string());
        let base_url = checked_base_url(&config.base_url).map_err(config_error)?;
        let http = build_client(
            concat!("patungan-xendit/", env!("CARGO_PKG_VERSION")),
            config.connect_timeout,
            config.request_timeout,
        )
        .map_err(config_error)?;
        Ok(XenditClient {
            http,
            base_url,
            secret_key: config.secret_key,
        })
    }

    /// The API root this client calls.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends one request and reads a typed answer.
    pub(crate) async fn call<B, T>(
        &self,
        operation: &'static str,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&B>,
        idempotency_key: Option<&str>,
    ) -> Result<T, XenditError>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let mut url = reqwest::Url::parse(&format!("{}{}", self.base_url, path))
            .map_err(|e| XenditError::InvalidRequest(format!("URL for {path}: {e}")))?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let mut request = self
            .http
            .request(method, url)
            .basic_auth(self.secret_key.expose(), Some(""))
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(key) = idempotency_key {
            request = request.header(IDEMPOTENCY_HEADER, header_value(key)?);
        }
        if let Some(body) = body {
            let bytes = serde_json::to_vec(body)
                .map_err(|e| XenditError::InvalidRequest(format!("request body: {e}")))?;
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(bytes);
        }
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let retry_after = retry_after(response.headers());
        let bytes = response.bytes().await.map_err(transport)?;
        tracing::debug!(
            provider = "xendit",
            operation,
            status = status.as_u16(),
            "xendit answered"
        );
        if status.is_success() {
            serde_json::from_slice(&bytes).map_err(|e| XenditError::MalformedResponse {
                status: status.as_u16(),
                message: e.to_string(),
            })
        } else {
            Err(api_error(status, &bytes, retry_after))
        }
    }
}

/// An id placed in a URL path must be a plain token: letters, digits, `-` and `_`.
pub(crate) fn path_segment<'a>(what: &str, id: &'a str) -> Result<&'a str, XenditError> {
    if is_path_token(id) {
        Ok(id)
    } else {
        Err(XenditError::InvalidRequest(format!(
            "{what} `{}` may only contain letters, digits, `-` and `_`",
            id.chars().take(64).collect::<String>()
        )))
    }
}

fn header_value(key: &str) -> Result<&str, XenditError> {
    let ok = !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(key)
    } else {
        Err(XenditError::InvalidRequest(
            "idempotency key must be 1–255 visible ASCII characters".to_owned(),
        ))
    }
}

fn transport(e: reqwest::Error) -> XenditError {
    XenditError::Transport {
        kind: transport_kind(&e),
        message: e.without_url().to_string(),
    }
}

fn api_error(status: StatusCode, bytes: &[u8], retry_after: Option<Duration>) -> XenditError {
    let parsed: Option<ErrorBody> = serde_json::from_slice(bytes).ok();
    let (error_code, message) = match parsed {
        Some(ErrorBody {
            error_code: Some(code),
            message,
        }) if !code.is_empty() => (code, message.unwrap_or_default()),
        Some(ErrorBody { message, .. }) => (
            format!("HTTP_{}", status.as_u16()),
            message.unwrap_or_default(),
        ),
        None => (
            format!("HTTP_{}", status.as_u16()),
            format!(
                "unreadable error body: {}",
                String::from_utf8_lossy(bytes)
                    .chars()
                    .take(120)
                    .collect::<String>()
            ),
        ),
    };
    XenditError::Api {
        status: status.as_u16(),
        error_code: clip(&error_code),
        message: clip(&message),
        retry_after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments() {
        assert!(path_segment("invoice id", "579c8d61f23fa4ca35e52da4").is_ok());
        assert!(path_segment("invoice id", "").is_err());
        assert!(path_segment("invoice id", "../admin").is_err());
        assert!(path_segment("invoice id", "a/b").is_err());
    }

    #[test]
    fn config_is_checked() {
        let bad = XenditClient::new(XenditConfig::new(Secret::new("")));
        assert!(matches!(bad, Err(XenditError::Config(_))));
        let bad = XenditClient::new(XenditConfig::new(Secret::new("k")).with_base_url("ftp://x"));
        assert!(matches!(bad, Err(XenditError::Config(_))));
        let ok = XenditClient::new(
            XenditConfig::new(Secret::new("k")).with_base_url("http://127.0.0.1:9/"),
        )
        .unwrap();
        assert_eq!(ok.base_url(), "http://127.0.0.1:9");
        assert!(!format!("{ok:?}").contains("\"k\""));
    }

    #[test]
    fn error_bodies() {
        let e = api_error(
            StatusCode::BAD_REQUEST,
            br#"{"error_code":"API_VALIDATION_ERROR","message":"amount is required"}"#,
            None,
        );
        assert_eq!(e.provider_code(), "API_VALIDATION_ERROR");
        let e = api_error(StatusCode::BAD_GATEWAY, b"<html>bad gateway</html>", None);
        assert_eq!(e.provider_code(), "HTTP_502");
        assert!(e.class() == patungan_ports::FailureClass::Retryable);
    }
}
