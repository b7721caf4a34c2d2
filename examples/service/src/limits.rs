//! Rate limits on the routes that cost the most or move money (join, quote,
//! withdrawal): one bucket per user and one per client IP, each allowing a burst of
//! the configured requests per minute and refilling evenly. A request over either
//! answers 429 `request.rate_limited` with `Retry-After`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use axum::response::IntoResponse;
use governor::middleware::NoOpMiddleware;
use patungan_core::UserId;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::KeyExtractor;
use tower_governor::{GovernorError, GovernorLayer};

use crate::auth::Principal;
use crate::config::RateLimitSettings;
use crate::error::ApiError;

/// Keys requests by the verified caller (the auth middleware runs first).
#[derive(Debug, Clone, Copy)]
pub struct UserKey;

impl KeyExtractor for UserKey {
    type Key = UserId;

    fn extract<T>(&self, req: &Request<T>) -> Result<UserId, GovernorError> {
        // Routes are limited only behind a token rule, so a principal is always there;
        // without one every such request shares one bucket.
        Ok(req
            .extensions()
            .get::<Principal>()
            .map_or(UserId::from_u128(0), |p| p.user))
    }
}

/// Keys requests by the peer's IP address (the socket's, not a forwarded header).
#[derive(Debug, Clone, Copy)]
pub struct IpKey;

impl KeyExtractor for IpKey {
    type Key = IpAddr;

    fn extract<T>(&self, req: &Request<T>) -> Result<IpAddr, GovernorError> {
        // Served without connection info (in-process tests), all share one bucket.
        Ok(req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip()))
    }
}

type Config<K> = GovernorConfig<K, NoOpMiddleware>;

/// The limiters of one service: shared by every limited route.
#[derive(Debug, Clone)]
pub struct RateLimits {
    per_user: Arc<Config<UserKey>>,
    per_ip: Arc<Config<IpKey>>,
}

fn config<K: tower_governor::key_extractor::KeyExtractor>(
    key: K,
    per_minute: u32,
) -> Option<Config<K>> {
    let per_minute = per_minute.max(1);
    GovernorConfigBuilder::default()
        .key_extractor(key)
        .period(Duration::from_millis(60_000 / u64::from(per_minute)).max(Duration::from_millis(1)))
        .burst_size(per_minute)
        .finish()
}

impl RateLimits {
    /// Limiters allowing `settings`' requests per minute per user and per IP.
    pub fn new(settings: RateLimitSettings) -> Option<Self> {
        Some(RateLimits {
            per_user: Arc::new(config(UserKey, settings.per_user_per_minute)?),
            per_ip: Arc::new(config(IpKey, settings.per_ip_per_minute)?),
        })
    }

    /// The per-user layer.
    pub fn user_layer(&self) -> GovernorLayer<UserKey, NoOpMiddleware, Body> {
        GovernorLayer::new(self.per_user.clone()).error_handler(too_many)
    }

    /// The per-IP layer.
    pub fn ip_layer(&self) -> GovernorLayer<IpKey, NoOpMiddleware, Body> {
        GovernorLayer::new(self.per_ip.clone()).error_handler(too_many)
    }

    /// Forgets buckets that are full again (call now and then: keys are never
    /// dropped otherwise).
    pub fn retain_recent(&self) {
        self.per_user.limiter().retain_recent();
        self.per_ip.limiter().retain_recent();
    }
}

/// The 429 (or, for a key that cannot be read, 500) as a JSON error with the
/// limiter's `Retry-After`.
fn too_many(error: GovernorError) -> Response<Body> {
    match error {
        GovernorError::TooManyRequests { wait_time, .. } => {
            let wait = wait_time.max(1);
            tracing::warn!(retry_after = wait, "rate limited");
            let mut response = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "request.rate_limited",
                format!("too many requests; retry in {wait} s"),
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait));
            response
        }
        GovernorError::UnableToExtractKey | GovernorError::Other { .. } => {
            ApiError::internal("request.rate_limit_key").into_response()
        }
    }
}
