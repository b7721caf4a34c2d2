//! Building an HTTP client and reading its answers: explicit timeouts, no redirects,
//! checked base URLs, transport-failure kinds, `Retry-After` and bounded error text.

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The longest error text copied from a provider answer into an error.
pub const MAX_ERROR_TEXT: usize = 300;

/// The longest id accepted as a URL path segment by [`is_path_token`].
const MAX_PATH_TOKEN: usize = 128;

/// Why a network-level call failed before the provider answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransportKind {
    /// The connect or request timeout elapsed.
    Timeout,
    /// No connection could be made.
    Connect,
    /// Anything else on the way (reset connection, broken body …).
    Other,
}

impl TransportKind {
    /// The code the adapters report to the engine for this failure:
    /// `TIMEOUT`, `CONNECT` or `TRANSPORT`.
    pub fn provider_code(self) -> &'static str {
        match self {
            TransportKind::Timeout => "TIMEOUT",
            TransportKind::Connect => "CONNECT",
            TransportKind::Other => "TRANSPORT",
        }
    }
}

/// Classes a `reqwest` error as a timeout, a connection failure or anything else.
pub fn transport_kind(e: &reqwest::Error) -> TransportKind {
    if e.is_timeout() {
        TransportKind::Timeout
    } else if e.is_connect() {
        TransportKind::Connect
    } else {
        TransportKind::Other
    }
}

/// The HTTP client or its base URL could not be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClientBuildError {
    /// The base URL is not an `http(s)://…` URL.
    #[error("base URL `{url}` is not an http(s) URL")]
    BaseUrl {
        /// The base URL as given (trimmed, without trailing `/`).
        url: String,
    },
    /// `reqwest` could not build the client (for example no TLS backend).
    #[error("HTTP client: {message}")]
    Client {
        /// What `reqwest` reported.
        message: String,
    },
}

impl ClientBuildError {
    /// A stable machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            ClientBuildError::BaseUrl { .. } => "http.base_url",
            ClientBuildError::Client { .. } => "http.client",
        }
    }
}

/// Trims a base URL and its trailing `/`s, and checks it is an `http(s)://…` URL.
///
/// ```
/// use patungan_http::checked_base_url;
///
/// assert_eq!(checked_base_url(" https://api.example.com/ ")?, "https://api.example.com");
/// assert!(checked_base_url("ftp://example.com").is_err());
/// # Ok::<(), patungan_http::ClientBuildError>(())
/// ```
pub fn checked_base_url(raw: &str) -> Result<String, ClientBuildError> {
    let base_url = raw.trim().trim_end_matches('/').to_owned();
    if !(base_url.starts_with("https://") || base_url.starts_with("http://"))
        || reqwest::Url::parse(&base_url).is_err()
    {
        return Err(ClientBuildError::BaseUrl { url: base_url });
    }
    Ok(base_url)
}

/// Builds a `reqwest` client with explicit connect and request timeouts, no redirects
/// and the given `User-Agent`.
pub fn build_client(
    user_agent: &str,
    connect_timeout: Duration,
    request_timeout: Duration,
) -> Result<reqwest::Client, ClientBuildError> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .timeout(request_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(user_agent)
        .build()
        .map_err(|e| ClientBuildError::Client {
            message: e.to_string(),
        })
}

/// Whether an id may be placed in a URL path: 1–128 letters, digits, `-` and `_`.
///
/// ```
/// use patungan_http::is_path_token;
///
/// assert!(is_path_token("579c8d61f23fa4ca35e52da4"));
/// assert!(!is_path_token("../admin"));
/// ```
pub fn is_path_token(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_PATH_TOKEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The `Retry-After` of an answer, when it is a whole number of seconds.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// The first [`MAX_ERROR_TEXT`] characters of a provider's error text.
pub fn clip(text: &str) -> String {
    text.chars().take(MAX_ERROR_TEXT).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn path_tokens() {
        assert!(is_path_token("579c8d61f23fa4ca35e52da4"));
        assert!(is_path_token("a-b_C9"));
        assert!(!is_path_token(""));
        assert!(!is_path_token("../admin"));
        assert!(!is_path_token("a/b"));
        assert!(is_path_token(&"a".repeat(128)));
        assert!(!is_path_token(&"a".repeat(129)));
    }

    #[test]
    fn base_urls() {
        assert_eq!(
            checked_base_url("http://127.0.0.1:9/").unwrap(),
            "http://127.0.0.1:9"
        );
        let err = checked_base_url("ftp://x").unwrap_err();
        assert_eq!(err.to_string(), "base URL `ftp://x` is not an http(s) URL");
        assert_eq!(err.code(), "http.base_url");
        assert!(checked_base_url("https://").is_err());
        assert!(build_client("t/1", Duration::from_secs(1), Duration::from_secs(2)).is_ok());
    }

    #[test]
    fn retry_after_and_clip() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static(" 7 "));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), None);
        assert_eq!(clip(&"é".repeat(400)).chars().count(), MAX_ERROR_TEXT);
        assert_eq!(clip("short"), "short");
    }

    #[test]
    fn transport_codes() {
        assert_eq!(TransportKind::Timeout.provider_code(), "TIMEOUT");
        assert_eq!(TransportKind::Connect.provider_code(), "CONNECT");
        assert_eq!(TransportKind::Other.provider_code(), "TRANSPORT");
    }
}
