//! The HTTP core shared by every Biteship call: auth, timeouts, error mapping.

use std::time::Duration;

use patungan_http::{
    build_client, checked_base_url, clip, is_path_token, retry_after, transport_kind,
    ClientBuildError,
};
use reqwest::header::{HeaderValue, AUTHORIZATION};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::config::BiteshipConfig;
use crate::error::BiteshipError;

/// A typed async client for Biteship's rates, orders and trackings APIs.
///
/// Every request carries `Authorization: <key>` (marked sensitive), explicit connect and
/// request timeouts, and follows no redirects.
#[derive(Debug, Clone)]
pub struct BiteshipClient {
    http: reqwest::Client,
    base_url: String,
    authorization: HeaderValue,
}

/// Biteship's error body: `{"success": false, "error": "...", "code": 40002010}`.
#[derive(Debug, Deserialize)]
struct ErrorBody {
    error: Option<String>,
    message: Option<String>,
    code: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(default)]
    success: Option<bool>,
}

impl BiteshipClient {
    /// Builds a client; an empty or non-ASCII key or a base URL that is not `http(s)://…`
    /// is refused.
    pub fn new(config: BiteshipConfig) -> Result<Self, BiteshipError> {
        if config.api_key.is_empty() {
            return Err(BiteshipError::Config("the API key is empty".to_owned()));
        }
        let mut authorization = HeaderValue::from_str(config.api_key.expose()).map_err(|_| {
            BiteshipError::Config("the API key is not a valid header value".to_owned())
        })?;
        authorization.set_sensitive(true);
        let config_error = |e: ClientBuildError| BiteshipError::Config(e.to_string());
        let base_url = checked_base_url(&config.base_url).map_err(config_error)?;
        let http = build_client(
            concat!("patungan-biteship/", env!("CARGO_PKG_VERSION")),
            config.connect_timeout,
            config.request_timeout,
        )
        .map_err(config_error)?;
        Ok(BiteshipClient {
            http,
            base_url,
            authorization,
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
        body: Option<&B>,
    ) -> Result<T, BiteshipError>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let url = reqwest::Url::parse(&format!("{}{}", self.base_url, path))
            .map_err(|e| BiteshipError::InvalidRequest(format!("URL for {path}: {e}")))?;
        let mut request = self
            .http
            .request(method, url)
            .header(AUTHORIZATION, self.authorization.clone())
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = body {
            let bytes = serde_json::to_vec(body)
                .map_err(|e| BiteshipError::InvalidRequest(format!("request body: {e}")))?;
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(bytes);
        }
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let retry_after = retry_after(response.headers());
        let bytes = response.bytes().await.map_err(transport)?;
        tracing::debug!(
            provider = "biteship",
            operation,
            status = status.as_u16(),
            "biteship answered"
        );
        if status.is_success() {
            // Biteship may answer 2xx with `"success": false`: that is an error too.
            if let Ok(Envelope {
                success: Some(false),
            }) = serde_json::from_slice(&bytes)
            {
                return Err(api_error(status, &bytes, retry_after));
            }
            serde_json::from_slice(&bytes).map_err(|e| BiteshipError::MalformedResponse {
                status: status.as_u16(),
                message: e.to_string(),
            })
        } else {
            Err(api_error(status, &bytes, retry_after))
        }
    }
}

/// An id placed in a URL path must be a plain token: letters, digits, `-` and `_`.
pub(crate) fn path_segment<'a>(what: &str, id: &'a str) -> Result<&'a str, BiteshipError> {
    if is_path_token(id) {
        Ok(id)
    } else {
        Err(BiteshipError::InvalidRequest(format!(
            "{what} `{}` may only contain letters, digits, `-` and `_`",
            id.chars().take(64).collect::<String>()
        )))
    }
}

fn transport(e: reqwest::Error) -> BiteshipError {
    BiteshipError::Transport {
        kind: transport_kind(&e),
        message: e.without_url().to_string(),
    }
}

fn api_error(status: StatusCode, bytes: &[u8], retry_after: Option<Duration>) -> BiteshipError {
    let fallback = format!("HTTP_{}", status.as_u16());
    let (code, message) = match serde_json::from_slice::<ErrorBody>(bytes) {
        Ok(body) => {
            let code = match body.code {
                Some(serde_json::Value::Number(n)) => n.to_string(),
                Some(serde_json::Value::String(s)) if !s.is_empty() => s,
                _ => fallback,
            };
            (code, body.error.or(body.message).unwrap_or_default())
        }
        Err(_) => (
            fallback,
            format!(
                "unreadable error body: {}",
                String::from_utf8_lossy(bytes)
                    .chars()
                    .take(120)
                    .collect::<String>()
            ),
        ),
    };
    BiteshipError::Api {
        status: status.as_u16(),
        code: clip(&code),
        message: clip(&message),
        retry_after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    #[test]
    fn config_is_checked() {
        assert!(BiteshipClient::new(BiteshipConfig::new(Secret::new(""))).is_err());
        assert!(BiteshipClient::new(BiteshipConfig::new(Secret::new("a\nb"))).is_err());
        let c = BiteshipClient::new(
            BiteshipConfig::new(Secret::new("biteship_test.SECRETKEY"))
                .with_base_url("http://127.0.0.1:1/"),
        )
        .unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:1");
        assert!(!format!("{c:?}").contains("SECRETKEY"));
    }

    #[test]
    fn error_bodies() {
        let e = api_error(
            StatusCode::BAD_REQUEST,
            br#"{"success":false,"error":"Either destination needs to have postal code or coordinate","code":40002010}"#,
            None,
        );
        assert_eq!(e.provider_code(), "40002010");
        let e = api_error(StatusCode::BAD_GATEWAY, b"<html/>", None);
        assert_eq!(e.provider_code(), "HTTP_502");
        assert!(path_segment("tracking id", "a/b").is_err());
    }
}
