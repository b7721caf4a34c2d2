//! HS256 bearer tokens, signed with the service's secret.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{EncodingKey, Header};
use serde::Serialize;
use uuid::Uuid;

/// The claims the service checks: `sub` (the user id), `role`, `iss`, `aud`, `exp`.
#[derive(Debug, Serialize)]
struct Claims<'a> {
    sub: String,
    role: &'a str,
    iss: &'a str,
    aud: &'a str,
    exp: u64,
}

/// Mints tokens for any user and role, valid for the whole run.
pub struct Minter {
    key: EncodingKey,
    header: Header,
    issuer: String,
    audience: String,
    expires: u64,
}

impl Minter {
    /// A minter whose tokens expire `valid_for` from now.
    pub fn new(secret: &str, issuer: &str, audience: &str, valid_for: Duration) -> Self {
        Minter {
            key: EncodingKey::from_secret(secret.as_bytes()),
            header: Header::default(),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            expires: unix_now().saturating_add(valid_for.as_secs()),
        }
    }

    /// A token for `user` acting as `role` (`shopper`, `warehouse` or `admin`).
    pub fn token(&self, user: Uuid, role: &str) -> Result<String, String> {
        let claims = Claims {
            sub: user.to_string(),
            role,
            iss: &self.issuer,
            aud: &self.audience,
            exp: self.expires,
        };
        jsonwebtoken::encode(&self.header, &claims, &self.key)
            .map_err(|e| format!("cannot sign a token: {e}"))
    }
}

/// Seconds since the Unix epoch (0 if the clock is before it).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
