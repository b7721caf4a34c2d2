//! The service's configuration, read from environment variables.
//!
//! Every variable is optional: with none set the service listens on
//! `127.0.0.1:8080` over the in-memory store and simulated providers.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use patungan_xendit::Secret;

/// Where the service listens unless `PATUNGAN_LISTEN` says otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines with key=value fields (default).
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Xendit credentials: the gateway and disburser switch from simulated to Xendit.
#[derive(Debug, Clone)]
pub struct XenditSettings {
    /// `XENDIT_SECRET_KEY`.
    pub secret_key: Secret,
    /// `XENDIT_BASE_URL`, for a fake server in tests; Xendit's API otherwise.
    pub base_url: Option<String>,
}

/// Biteship credentials: shipping switches from simulated to Biteship.
#[derive(Debug, Clone)]
pub struct BiteshipSettings {
    /// `BITESHIP_API_KEY`.
    pub api_key: Secret,
    /// `BITESHIP_BASE_URL`, for a fake server in tests; Biteship's API otherwise.
    pub base_url: Option<String>,
}

/// An endpoint that receives signed outgoing webhooks (Standard Webhooks).
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Where deliveries are posted.
    pub url: String,
    /// The signing secret (`whsec_<base64>`, or any text used as the key).
    pub secret: Secret,
}

/// Where the keys that verify bearer tokens come from.
#[derive(Debug, Clone)]
pub enum JwtKeys {
    /// `PATUNGAN_JWT_HS256_SECRET`: a shared HS256 secret (at least 32 bytes).
    Hs256(Secret),
    /// `PATUNGAN_JWT_PUBLIC_KEYS`: a PEM file of one or more RSA (RS256) or P-256
    /// (ES256) public keys.
    PublicKeyFile(PathBuf),
}

/// How bearer JWTs are verified (docs/domain.md §12).
#[derive(Debug, Clone)]
pub struct JwtSettings {
    /// The verification keys.
    pub keys: JwtKeys,
    /// `PATUNGAN_JWT_ISSUER`: the `iss` every token must carry.
    pub issuer: String,
    /// `PATUNGAN_JWT_AUDIENCE`: the `aud` every token must carry.
    pub audience: String,
    /// `PATUNGAN_JWT_LEEWAY_SECONDS`: the clock skew allowed on `exp` and `nbf`
    /// (default 30 s, at most [`MAX_JWT_LEEWAY_SECONDS`]).
    pub leeway_seconds: u64,
}

/// The largest clock skew `PATUNGAN_JWT_LEEWAY_SECONDS` may allow.
pub const MAX_JWT_LEEWAY_SECONDS: u64 = 300;

/// The shortest HS256 secret accepted, in bytes.
pub const MIN_HS256_SECRET_BYTES: usize = 32;

/// Requests per minute allowed on the rate-limited routes (join, quote, withdrawal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSettings {
    /// `PATUNGAN_RATE_LIMIT_USER`: per user (default 30).
    pub per_user_per_minute: u32,
    /// `PATUNGAN_RATE_LIMIT_IP`: per client IP (default 120).
    pub per_ip_per_minute: u32,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        RateLimitSettings {
            per_user_per_minute: 30,
            per_ip_per_minute: 120,
        }
    }
}

/// Everything the service reads at start. `Debug` never shows a secret or the
/// database URL (it may carry a password).
#[derive(Debug, Clone)]
pub struct Config {
    /// `PATUNGAN_LISTEN`: the address to bind (default [`DEFAULT_LISTEN`]).
    pub listen: SocketAddr,
    /// `DATABASE_URL`: PostgreSQL instead of the in-memory store.
    pub database_url: Option<Secret>,
    /// `PATUNGAN_DB_SCHEMA`: the PostgreSQL schema to use (default: the store's own).
    pub database_schema: Option<String>,
    /// `XENDIT_SECRET_KEY` (+ `XENDIT_BASE_URL`): Xendit instead of the simulated gateway.
    pub xendit: Option<XenditSettings>,
    /// `XENDIT_CALLBACK_TOKEN`: the `x-callback-token` Xendit webhooks must carry.
    /// Without it every Xendit webhook is refused with 401.
    pub xendit_callback_token: Option<Secret>,
    /// `BITESHIP_API_KEY` (+ `BITESHIP_BASE_URL`): Biteship instead of simulated shipping.
    pub biteship: Option<BiteshipSettings>,
    /// `BITESHIP_WEBHOOK_SECRET`: the HMAC-SHA256 secret of Biteship webhooks' signature.
    /// Without it every Biteship webhook is refused with 401.
    pub biteship_webhook_secret: Option<Secret>,
    /// `PATUNGAN_NOTIFY_WEBHOOK_URL` + `PATUNGAN_NOTIFY_WEBHOOK_SECRET`: users'
    /// notifications are delivered to this endpoint as signed webhooks (recorded in
    /// memory otherwise).
    pub notify_webhook: Option<WebhookSettings>,
    /// `PATUNGAN_FACTORY_WEBHOOK_URL` + `PATUNGAN_FACTORY_WEBHOOK_SECRET`: purchase
    /// orders go to the factory's endpoint as signed webhooks (recorded in memory
    /// otherwise).
    pub factory_webhook: Option<WebhookSettings>,
    /// `PATUNGAN_OVER_TOLERANCE`: `proceed` (default) issues a purchase order whose
    /// plan leaves a variant over its tolerance; `hold` keeps it for an operator's
    /// approval.
    pub over_tolerance: patungan_core::purchasing::OverTolerancePolicy,
    /// How bearer tokens are verified; `None` when no `PATUNGAN_JWT_*` variable is set,
    /// which only a run with simulated providers accepts (it then signs its own
    /// development tokens, [`crate::auth::dev`]).
    pub auth: Option<JwtSettings>,
    /// `PATUNGAN_RATE_LIMIT_USER` and `PATUNGAN_RATE_LIMIT_IP`.
    pub rate_limits: RateLimitSettings,
    /// `PATUNGAN_CORS_ORIGINS`: the origins (comma-separated, e.g.
    /// `https://shop.example`) browsers may call from; none by default.
    pub cors_origins: Vec<String>,
    /// `PATUNGAN_TICK_MS`: how often the background loop runs deadlines and
    /// effects (default 1 000 ms).
    pub tick_interval: Duration,
    /// `PATUNGAN_JOIN_WAIT_MS`: how long a join waits for its invoice URL before
    /// answering without it (default 5 000 ms).
    pub join_wait: Duration,
    /// `PATUNGAN_JOIN_COURIER_PRICE`: `quote` (default): a join must name a shipping
    /// quote, whose price is charged; `given`: a join may give `courier_price`
    /// directly (trusted clients only, e.g. tests and benchmarks).
    pub courier_price_given: bool,
    /// `PATUNGAN_LOG_FORMAT`: `text` (default) or `json`. The level comes from `RUST_LOG`.
    pub log_format: LogFormat,
}

/// A variable has a value the service cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {reason}")]
pub struct ConfigError {
    /// The variable.
    pub variable: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

/// The variables of the notification endpoint.
const NOTIFY_WEBHOOK: (&str, &str) = (
    "PATUNGAN_NOTIFY_WEBHOOK_URL",
    "PATUNGAN_NOTIFY_WEBHOOK_SECRET",
);
/// The variables of the factory's endpoint.
const FACTORY_WEBHOOK: (&str, &str) = (
    "PATUNGAN_FACTORY_WEBHOOK_URL",
    "PATUNGAN_FACTORY_WEBHOOK_SECRET",
);

/// An endpoint's URL and secret variables: both or neither (a webhook is never sent
/// unsigned).
fn webhook_settings(
    get: &impl Fn(&str) -> Option<String>,
    (url_var, secret_var): (&'static str, &'static str),
) -> Result<Option<WebhookSettings>, ConfigError> {
    match (get(url_var), get(secret_var)) {
        (None, None) => Ok(None),
        (Some(url), Some(secret)) if !secret.trim().is_empty() => Ok(Some(WebhookSettings {
            url: url.trim().to_owned(),
            secret: Secret::new(secret),
        })),
        (Some(_), _) => Err(ConfigError {
            variable: secret_var,
            reason: format!(
                "{url_var} is set: outgoing webhooks are signed, so a secret is required"
            ),
        }),
        (None, Some(_)) => Err(ConfigError {
            variable: url_var,
            reason: format!("{secret_var} is set without the URL to send to"),
        }),
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: None,
            database_schema: None,
            xendit: None,
            xendit_callback_token: None,
            biteship: None,
            biteship_webhook_secret: None,
            notify_webhook: None,
            factory_webhook: None,
            over_tolerance: patungan_core::purchasing::OverTolerancePolicy::Proceed,
            auth: None,
            rate_limits: RateLimitSettings::default(),
            cors_origins: Vec::new(),
            tick_interval: Duration::from_secs(1),
            join_wait: Duration::from_secs(5),
            courier_price_given: false,
            log_format: LogFormat::Text,
        }
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `lookup` (tests pass a map). Empty values count
    /// as unset.
    ///
    /// ```
    /// use patungan_service::config::Config;
    ///
    /// let config = Config::from_lookup(|name| match name {
    ///     "PATUNGAN_LISTEN" => Some("127.0.0.1:9000".to_owned()),
    ///     _ => None,
    /// })?;
    /// assert_eq!(config.listen.port(), 9000);
    /// assert!(config.xendit.is_none());
    /// # Ok::<(), patungan_service::config::ConfigError>(())
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let mut config = Config::default();
        if let Some(listen) = get("PATUNGAN_LISTEN") {
            config.listen = listen.trim().parse().map_err(|_| ConfigError {
                variable: "PATUNGAN_LISTEN",
                reason: format!("`{listen}` is not an address like 127.0.0.1:8080"),
            })?;
        }
        config.database_url = get("DATABASE_URL").map(Secret::new);
        config.database_schema = get("PATUNGAN_DB_SCHEMA").map(|s| s.trim().to_owned());
        config.xendit = get("XENDIT_SECRET_KEY").map(|key| XenditSettings {
            secret_key: Secret::new(key),
            base_url: get("XENDIT_BASE_URL"),
        });
        config.xendit_callback_token = get("XENDIT_CALLBACK_TOKEN").map(Secret::new);
        config.biteship = get("BITESHIP_API_KEY").map(|key| BiteshipSettings {
            api_key: Secret::new(key),
            base_url: get("BITESHIP_BASE_URL"),
        });
        config.biteship_webhook_secret = get("BITESHIP_WEBHOOK_SECRET").map(Secret::new);
        config.notify_webhook = webhook_settings(&get, NOTIFY_WEBHOOK)?;
        config.factory_webhook = webhook_settings(&get, FACTORY_WEBHOOK)?;
        if let Some(text) = get("PATUNGAN_JOIN_COURIER_PRICE") {
            config.courier_price_given = match text.trim() {
                "quote" => false,
                "given" => true,
                other => {
                    return Err(ConfigError {
                        variable: "PATUNGAN_JOIN_COURIER_PRICE",
                        reason: format!("`{other}` is neither `quote` nor `given`"),
                    })
                }
            };
        }
        if let Some(policy) = get("PATUNGAN_OVER_TOLERANCE") {
            use patungan_core::purchasing::OverTolerancePolicy;
            config.over_tolerance = match policy.trim() {
                "proceed" => OverTolerancePolicy::Proceed,
                "hold" => OverTolerancePolicy::HoldForApproval,
                other => {
                    return Err(ConfigError {
                        variable: "PATUNGAN_OVER_TOLERANCE",
                        reason: format!("`{other}` is neither `proceed` nor `hold`"),
                    })
                }
            };
        }
        config.auth = jwt_settings(&get)?;
        for (variable, slot) in [
            (
                "PATUNGAN_RATE_LIMIT_USER",
                &mut config.rate_limits.per_user_per_minute,
            ),
            (
                "PATUNGAN_RATE_LIMIT_IP",
                &mut config.rate_limits.per_ip_per_minute,
            ),
        ] {
            if let Some(text) = get(variable) {
                *slot = match text.trim().parse::<u32>() {
                    Ok(n) if (1..=100_000).contains(&n) => n,
                    _ => {
                        return Err(ConfigError {
                            variable,
                            reason: format!(
                            "`{text}` is not a number of requests per minute between 1 and 100000"
                        ),
                        })
                    }
                };
            }
        }
        if let Some(origins) = get("PATUNGAN_CORS_ORIGINS") {
            config.cors_origins = cors_origins(&origins)?;
        }
        if let Some(ms) = get("PATUNGAN_TICK_MS") {
            config.tick_interval = millis("PATUNGAN_TICK_MS", &ms)?;
        }
        if let Some(ms) = get("PATUNGAN_JOIN_WAIT_MS") {
            config.join_wait = millis("PATUNGAN_JOIN_WAIT_MS", &ms)?;
        }
        if let Some(format) = get("PATUNGAN_LOG_FORMAT") {
            config.log_format = match format.trim() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                other => {
                    return Err(ConfigError {
                        variable: "PATUNGAN_LOG_FORMAT",
                        reason: format!("`{other}` is neither `text` nor `json`"),
                    })
                }
            };
        }
        if config.auth.is_none() && (config.xendit.is_some() || config.biteship.is_some()) {
            return Err(ConfigError {
                variable: "PATUNGAN_JWT_HS256_SECRET",
                reason: "a real provider (XENDIT_SECRET_KEY or BITESHIP_API_KEY) is configured \
                         but no authentication: refusing to start. Set PATUNGAN_JWT_HS256_SECRET \
                         or PATUNGAN_JWT_PUBLIC_KEYS, with PATUNGAN_JWT_ISSUER and \
                         PATUNGAN_JWT_AUDIENCE (only a run with simulated providers may go \
                         without, on development tokens)"
                    .to_owned(),
            });
        }
        if config.xendit.is_some() && config.xendit_callback_token.is_none() {
            return Err(ConfigError {
                variable: "XENDIT_CALLBACK_TOKEN",
                reason: "required with XENDIT_SECRET_KEY: without it no payment webhook \
                         can be trusted, so no payment would ever be seen"
                    .to_owned(),
            });
        }
        Ok(config)
    }
}

/// Reads the `PATUNGAN_JWT_*` variables: none set is `None`; a key without its issuer
/// and audience, or both kinds of key, is an error.
fn jwt_settings(get: &impl Fn(&str) -> Option<String>) -> Result<Option<JwtSettings>, ConfigError> {
    let secret = get("PATUNGAN_JWT_HS256_SECRET");
    let file = get("PATUNGAN_JWT_PUBLIC_KEYS");
    let keys = match (secret, file) {
        (None, None) => return Ok(None),
        (Some(_), Some(_)) => {
            return Err(ConfigError {
                variable: "PATUNGAN_JWT_PUBLIC_KEYS",
                reason:
                    "set either PATUNGAN_JWT_HS256_SECRET or PATUNGAN_JWT_PUBLIC_KEYS, not both"
                        .to_owned(),
            })
        }
        (Some(secret), None) if secret.len() < MIN_HS256_SECRET_BYTES => {
            return Err(ConfigError {
                variable: "PATUNGAN_JWT_HS256_SECRET",
                reason: format!("too short: use at least {MIN_HS256_SECRET_BYTES} random bytes"),
            })
        }
        (Some(secret), None) => JwtKeys::Hs256(Secret::new(secret)),
        (None, Some(file)) => JwtKeys::PublicKeyFile(PathBuf::from(file.trim())),
    };
    let required = |variable: &'static str| {
        get(variable)
            .map(|v| v.trim().to_owned())
            .ok_or_else(|| ConfigError {
                variable,
                reason: "required with a JWT key: every token's claim is checked against it"
                    .to_owned(),
            })
    };
    let issuer = required("PATUNGAN_JWT_ISSUER")?;
    let audience = required("PATUNGAN_JWT_AUDIENCE")?;
    let leeway_seconds = match get("PATUNGAN_JWT_LEEWAY_SECONDS") {
        None => 30,
        Some(text) => match text.trim().parse::<u64>() {
            Ok(s) if s <= MAX_JWT_LEEWAY_SECONDS => s,
            _ => {
                return Err(ConfigError {
                    variable: "PATUNGAN_JWT_LEEWAY_SECONDS",
                    reason: format!(
                        "`{text}` is not a number of seconds between 0 and {MAX_JWT_LEEWAY_SECONDS}"
                    ),
                })
            }
        },
    };
    Ok(Some(JwtSettings {
        keys,
        issuer,
        audience,
        leeway_seconds,
    }))
}

/// Parses a comma-separated list of origins (`scheme://host[:port]`, no wildcard).
fn cors_origins(text: &str) -> Result<Vec<String>, ConfigError> {
    let mut origins = Vec::new();
    for origin in text.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        let plausible = (origin.starts_with("https://") || origin.starts_with("http://"))
            && !origin.ends_with('/')
            && origin.bytes().all(|b| b.is_ascii_graphic() && b != b'*');
        if !plausible {
            return Err(ConfigError {
                variable: "PATUNGAN_CORS_ORIGINS",
                reason: format!(
                    "`{origin}` is not an origin like https://shop.example (no path, no wildcard)"
                ),
            });
        }
        origins.push(origin.to_owned());
    }
    Ok(origins)
}

fn millis(variable: &'static str, text: &str) -> Result<Duration, ConfigError> {
    match text.trim().parse::<u64>() {
        Ok(ms) if (1..=3_600_000).contains(&ms) => Ok(Duration::from_millis(ms)),
        _ => Err(ConfigError {
            variable,
            reason: format!("`{text}` is not a number of milliseconds between 1 and 3600000"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn an_outgoing_webhook_needs_its_secret() {
        let with = read;
        let url = ("PATUNGAN_FACTORY_WEBHOOK_URL", "https://factory.example/po");
        let secret = ("PATUNGAN_FACTORY_WEBHOOK_SECRET", "whsec_c2VjcmV0");
        let config = with(&[url, secret]).unwrap();
        assert_eq!(config.factory_webhook.unwrap().url, url.1);
        assert!(config.notify_webhook.is_none());
        let error = with(&[url]).unwrap_err();
        assert_eq!(error.variable, "PATUNGAN_FACTORY_WEBHOOK_SECRET");
        let error = with(&[("PATUNGAN_NOTIFY_WEBHOOK_SECRET", "x")]).unwrap_err();
        assert_eq!(error.variable, "PATUNGAN_NOTIFY_WEBHOOK_URL");
    }

    #[test]
    fn defaults_and_overrides() {
        let config = read(&[]).unwrap();
        assert_eq!(config.listen.to_string(), DEFAULT_LISTEN);
        assert!(config.database_url.is_none() && config.xendit.is_none());
        let config = read(&[
            ("PATUNGAN_LISTEN", "0.0.0.0:9090"),
            ("DATABASE_URL", "postgres://u:pw@h/db"),
            ("XENDIT_SECRET_KEY", "xnd_key"),
            ("XENDIT_CALLBACK_TOKEN", "tok"),
            ("XENDIT_BASE_URL", "http://127.0.0.1:1"),
            (
                "PATUNGAN_JWT_HS256_SECRET",
                "0123456789abcdef0123456789abcdef",
            ),
            ("PATUNGAN_JWT_ISSUER", "iss"),
            ("PATUNGAN_JWT_AUDIENCE", "aud"),
            ("PATUNGAN_TICK_MS", "50"),
            ("PATUNGAN_LOG_FORMAT", "json"),
            ("BITESHIP_API_KEY", ""),
        ])
        .unwrap();
        assert_eq!(config.listen.port(), 9090);
        assert_eq!(config.tick_interval, Duration::from_millis(50));
        assert_eq!(config.log_format, LogFormat::Json);
        assert!(config.biteship.is_none(), "empty counts as unset");
        let shown = format!("{config:?}");
        for secret in ["pw@", "xnd_key", "\"tok\"", "0123456789abcdef"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn bad_values_are_named() {
        assert_eq!(
            read(&[("PATUNGAN_LISTEN", "localhost")])
                .unwrap_err()
                .variable,
            "PATUNGAN_LISTEN"
        );
        assert_eq!(
            read(&[("PATUNGAN_TICK_MS", "0")]).unwrap_err().variable,
            "PATUNGAN_TICK_MS"
        );
        for bad in ["*", "https://shop.example/", "shop.example"] {
            assert_eq!(
                read(&[("PATUNGAN_CORS_ORIGINS", bad)])
                    .unwrap_err()
                    .variable,
                "PATUNGAN_CORS_ORIGINS"
            );
        }
        let config = read(&[
            (
                "PATUNGAN_CORS_ORIGINS",
                "https://a.example, http://localhost:3000",
            ),
            ("PATUNGAN_RATE_LIMIT_USER", "5"),
        ])
        .unwrap();
        assert_eq!(config.cors_origins.len(), 2);
        assert_eq!(config.rate_limits.per_user_per_minute, 5);
        assert_eq!(
            read(&[("PATUNGAN_RATE_LIMIT_IP", "0")])
                .unwrap_err()
                .variable,
            "PATUNGAN_RATE_LIMIT_IP"
        );
        assert_eq!(
            read(&[("XENDIT_SECRET_KEY", "k"), ("XENDIT_CALLBACK_TOKEN", "t")])
                .unwrap_err()
                .variable,
            "PATUNGAN_JWT_HS256_SECRET",
            "a real provider without authentication refuses to start"
        );
        assert_eq!(
            read(&[("BITESHIP_API_KEY", "k")]).unwrap_err().variable,
            "PATUNGAN_JWT_HS256_SECRET"
        );
        let secret = "s".repeat(MIN_HS256_SECRET_BYTES);
        assert_eq!(
            read(&[("PATUNGAN_JWT_HS256_SECRET", "short")])
                .unwrap_err()
                .variable,
            "PATUNGAN_JWT_HS256_SECRET"
        );
        assert_eq!(
            read(&[("PATUNGAN_JWT_HS256_SECRET", &secret)])
                .unwrap_err()
                .variable,
            "PATUNGAN_JWT_ISSUER"
        );
        let auth = read(&[
            ("PATUNGAN_JWT_HS256_SECRET", &secret),
            ("PATUNGAN_JWT_ISSUER", "iss"),
            ("PATUNGAN_JWT_AUDIENCE", "aud"),
        ])
        .unwrap()
        .auth
        .unwrap();
        assert_eq!(auth.leeway_seconds, 30);
        assert!(!format!("{auth:?}").contains(&secret));
        assert_eq!(
            read(&[
                ("PATUNGAN_JWT_HS256_SECRET", &secret),
                ("PATUNGAN_JWT_ISSUER", "iss"),
                ("PATUNGAN_JWT_AUDIENCE", "aud"),
                ("PATUNGAN_JWT_LEEWAY_SECONDS", "3600"),
            ])
            .unwrap_err()
            .variable,
            "PATUNGAN_JWT_LEEWAY_SECONDS"
        );
    }
}
