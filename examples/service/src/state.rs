//! What every handler shares: the engine over the configured store and ports, the
//! clock, the loop's kicker and the webhook verifiers.

use std::sync::Arc;
use std::time::Duration;

use patungan_biteship::{BiteshipClient, BiteshipConfig, BiteshipProvider, BiteshipWebhook};
use patungan_engine::store::Store;
use patungan_engine::{Engine, EngineConfig, Ports};
use patungan_memory::MemoryStore;
use patungan_memory::{MemoryDisburser, MemoryGateway, MemoryShipping};
use patungan_postgres::{PostgresOptions, PostgresStore};
use patungan_xendit::{CallbackVerifier, Secret, XenditClient, XenditConfig, XenditGateway};

use crate::auth::dev::DevTokens;
use crate::auth::token::Verifier;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::limits::RateLimits;
use crate::runner::Kicker;

/// The service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A configuration value is unusable.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// The Xendit client could not be built.
    #[error("Xendit: {0}")]
    Xendit(String),
    /// The Biteship client could not be built.
    #[error("Biteship: {0}")]
    Biteship(String),
    /// The JWT verification keys could not be loaded.
    #[error(transparent)]
    Auth(crate::auth::token::KeyError),
    /// The database could not be reached or migrated.
    #[error("database: {0}")]
    Database(String),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// The simulated providers, kept when the service runs without real ones so the
/// simulator endpoints can play the payer and the bank.
#[derive(Debug, Clone)]
pub struct Simulated {
    /// The simulated gateway.
    pub gateway: Arc<MemoryGateway>,
    /// The simulated disburser.
    pub disburser: Arc<MemoryDisburser>,
}

/// Which parts are real, for `/health` and the start-up log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Parts {
    /// `memory` or `postgres`.
    #[schema(value_type = String)]
    pub store: &'static str,
    /// `simulated` or `xendit`.
    #[schema(value_type = String)]
    pub gateway: &'static str,
    /// `simulated` or `biteship`.
    #[schema(value_type = String)]
    pub shipping: &'static str,
}

/// The handlers' shared state. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The engine.
    pub engine: Arc<Engine>,
    /// "Now".
    pub clock: SharedClock,
    /// Wakes the background loop.
    pub kicker: Arc<Kicker>,
    /// Checks `x-callback-token` (refuses everything without a configured token).
    pub xendit_callbacks: CallbackVerifier,
    /// Checks the Biteship signature (refuses everything without a configured secret).
    pub biteship_webhooks: BiteshipWebhook,
    /// Verifies bearer tokens; `None` refuses every route that needs one.
    pub auth: Option<Arc<Verifier>>,
    /// The development tokens, when no authentication is configured.
    pub dev_tokens: Option<Arc<DevTokens>>,
    /// The rate limiters of join, quote and withdrawal.
    pub limits: RateLimits,
    /// The origins browsers may call from.
    pub cors_origins: Arc<[String]>,
    /// The simulated providers, when they are in use.
    pub simulated: Option<Simulated>,
    /// Which parts are real.
    pub parts: Parts,
    /// How long a join waits for its invoice URL.
    pub join_wait: Duration,
    /// Whether a join may give its courier price without a quote.
    pub courier_price_given: bool,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("parts", &self.parts)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Builds the engine over the store and ports `config` selects.
    pub async fn build(config: &Config, clock: SharedClock) -> Result<AppState, StartError> {
        let (store, store_kind) = open_store(config).await?;
        let (gateway, disburser, simulated): (
            Arc<dyn patungan_engine::ports::PaymentGateway>,
            Arc<dyn patungan_engine::ports::Disburser>,
            _,
        ) = match &config.xendit {
            Some(settings) => {
                let mut xendit = XenditConfig::new(settings.secret_key.clone());
                if let Some(url) = &settings.base_url {
                    xendit = xendit.with_base_url(url.clone());
                }
                let client =
                    XenditClient::new(xendit).map_err(|e| StartError::Xendit(e.to_string()))?;
                let now = clock.clone();
                let gateway = Arc::new(XenditGateway::new(client).with_clock(move || now.now()));
                (gateway.clone(), gateway, None)
            }
            None => {
                let gateway = Arc::new(MemoryGateway::default());
                let disburser = Arc::new(MemoryDisburser::default());
                let simulated = Simulated {
                    gateway: gateway.clone(),
                    disburser: disburser.clone(),
                };
                (gateway, disburser, Some(simulated))
            }
        };
        let shipping: Arc<dyn patungan_engine::ports::ShippingProvider> = match &config.biteship {
            Some(settings) => {
                let mut biteship =
                    BiteshipConfig::new(patungan_biteship::Secret::new(settings.api_key.expose()));
                if let Some(url) = &settings.base_url {
                    biteship = biteship.with_base_url(url.clone());
                }
                let client = BiteshipClient::new(biteship)
                    .map_err(|e| StartError::Biteship(e.to_string()))?;
                Arc::new(BiteshipProvider::new(client))
            }
            None => Arc::new(MemoryShipping::default()),
        };
        let notifier: Arc<dyn patungan_engine::ports::Notifier> = match &config.notify_webhook {
            Some(settings) => Arc::new(webhook_sender(settings, "PATUNGAN_NOTIFY_WEBHOOK_URL")?),
            None => Arc::new(patungan_memory::MemoryNotifier::default()),
        };
        let factory: Arc<dyn patungan_engine::ports::FactoryChannel> = match &config.factory_webhook
        {
            Some(settings) => Arc::new(webhook_sender(settings, "PATUNGAN_FACTORY_WEBHOOK_URL")?),
            None => Arc::new(patungan_memory::MemoryFactory::default()),
        };
        let (verifier, dev_tokens) = token_verifier(config, simulated.is_some())?;
        let parts = Parts {
            store: store_kind,
            gateway: if simulated.is_some() {
                "simulated"
            } else {
                "xendit"
            },
            shipping: if config.biteship.is_some() {
                "biteship"
            } else {
                "simulated"
            },
        };
        let engine = Engine::new(
            store,
            Ports {
                gateway,
                disburser,
                shipping,
                notifier,
                factory,
            },
            EngineConfig {
                over_tolerance: config.over_tolerance,
                ..EngineConfig::default()
            },
        );
        Ok(AppState {
            engine: Arc::new(engine),
            clock,
            kicker: Arc::new(Kicker::default()),
            xendit_callbacks: CallbackVerifier::new(
                config
                    .xendit_callback_token
                    .clone()
                    .unwrap_or_else(|| Secret::new("")),
            ),
            // Always signed: without a configured secret every webhook is refused.
            biteship_webhooks: BiteshipWebhook::signed(patungan_biteship::Secret::new(
                config
                    .biteship_webhook_secret
                    .as_ref()
                    .map_or("", |s| s.expose()),
            )),
            auth: Some(Arc::new(verifier)),
            dev_tokens,
            limits: RateLimits::new(config.rate_limits).ok_or_else(|| {
                StartError::Config(crate::config::ConfigError {
                    variable: "PATUNGAN_RATE_LIMIT_USER",
                    reason: "unusable rate limit".to_owned(),
                })
            })?,
            cors_origins: config.cors_origins.clone().into(),
            simulated,
            parts,
            join_wait: config.join_wait,
            courier_price_given: config.courier_price_given,
        })
    }
}

/// The verifier of bearer tokens: from the configured keys, or — with no auth
/// configured and only simulated providers — a development key and its tokens.
fn token_verifier(
    config: &Config,
    simulated: bool,
) -> Result<(Verifier, Option<Arc<DevTokens>>), StartError> {
    match &config.auth {
        Some(settings) => Ok((
            Verifier::from_settings(settings).map_err(StartError::Auth)?,
            None,
        )),
        // Config refuses real providers without auth; checked again here.
        None if !simulated || config.biteship.is_some() => {
            Err(StartError::Auth(crate::auth::token::KeyError(
                "a real provider is configured without authentication".to_owned(),
            )))
        }
        None => {
            let (verifier, tokens) = crate::auth::dev::generate().map_err(StartError::Auth)?;
            Ok((verifier, Some(Arc::new(tokens))))
        }
    }
}

/// The store `DATABASE_URL` selects: PostgreSQL (migrated, in `PATUNGAN_DB_SCHEMA`
/// when set) or memory.
async fn open_store(config: &Config) -> Result<(Arc<dyn Store>, &'static str), StartError> {
    match &config.database_url {
        None => Ok((Arc::new(MemoryStore::new()), "memory")),
        Some(url) => {
            let mut options = PostgresOptions::new(url.expose());
            if let Some(schema) = &config.database_schema {
                options = options.schema(schema.clone());
            }
            let store = PostgresStore::connect_with(options)
                .await
                .map_err(|e| StartError::Database(e.to_string()))?;
            Ok((Arc::new(store), "postgres"))
        }
    }
}

/// A signed webhook sender for `settings` (its URL checked here).
fn webhook_sender(
    settings: &crate::config::WebhookSettings,
    variable: &'static str,
) -> Result<patungan_webhook::WebhookSender, StartError> {
    let config = patungan_webhook::WebhookConfig::new(
        settings.url.clone(),
        patungan_webhook::Secret::new(settings.secret.expose()),
    );
    patungan_webhook::WebhookSender::new(&config).map_err(|e| {
        StartError::Config(crate::config::ConfigError {
            variable,
            reason: e.to_string(),
        })
    })
}
