//! The bot top-up policy (docs/domain.md §4).

use chrono::{DateTime, Utc};
use napi::Either;
use napi_derive::napi;
use patungan_core::bot as core;
use patungan_core::BasisPoints;

use crate::errors::{json_error, IntoJsResult, Result};
use crate::numbers::{number, quantity, small};
use crate::tier::moq;
use crate::time::utc;

/// Options of `new BotPolicy(…)`; each defaults to the core's default.
#[napi(object)]
pub struct BotPolicyOptions {
    /// Whether the bot may top up at all (default `true`).
    pub enabled: Option<bool>,
    /// The fill, in basis points of the MOQ, the bot tops up to (default 2500).
    pub target_bp: Option<f64>,
    /// How long before the end the bot check runs, in seconds (default 600).
    pub window_seconds: Option<f64>,
}

/// When and how far the platform bot tops a weak session up.
#[napi]
pub struct BotPolicy {
    inner: core::BotPolicy,
}

#[napi]
impl BotPolicy {
    /// A validated policy (`BotPolicyError` if the target is out of range).
    #[napi(constructor)]
    pub fn new(options: Option<BotPolicyOptions>) -> Result<Self> {
        let o = options.unwrap_or(BotPolicyOptions {
            enabled: None,
            target_bp: None,
            window_seconds: None,
        });
        let target = match o.target_bp {
            Some(bp) => BasisPoints::new(small("targetBp", bp)?),
            None => core::BotPolicy::DEFAULT_TARGET,
        };
        let window = match o.window_seconds {
            Some(s) => small("windowSeconds", s)?,
            None => core::BotPolicy::DEFAULT_WINDOW_SECONDS,
        };
        let inner = core::BotPolicy::new(o.enabled.unwrap_or(true), target, window).js()?;
        Ok(BotPolicy { inner })
    }

    /// A policy under which the bot never tops up.
    #[napi(factory)]
    pub fn disabled() -> Self {
        BotPolicy {
            inner: core::BotPolicy::disabled(),
        }
    }

    /// Reads a policy from its JSON form.
    #[napi(factory)]
    pub fn from_json(json: String) -> Result<Self> {
        let inner = serde_json::from_str(&json).map_err(json_error)?;
        Ok(BotPolicy { inner })
    }

    /// The policy's JSON form.
    #[napi]
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(&self.inner).map_err(json_error)
    }

    /// Whether the bot may top up at all.
    #[napi(getter)]
    pub fn enabled(&self) -> bool {
        self.inner.enabled()
    }

    /// The fill, in basis points of the MOQ, the bot tops up to.
    #[napi(getter)]
    pub fn target_bp(&self) -> u32 {
        self.inner.target().get()
    }

    /// How long before the end the bot check runs, in seconds.
    #[napi(getter)]
    pub fn window_seconds(&self) -> u32 {
        self.inner.window_seconds()
    }

    /// The instant of the bot check for a session ending at `end`.
    #[napi]
    pub fn check_at(&self, end: Either<DateTime<Utc>, String>) -> Result<DateTime<Utc>> {
        Ok(self.inner.check_at(utc(end)?))
    }

    /// The units of fill the target stands for: `ceil(moq × target / 10 000)`.
    #[napi]
    pub fn target_quantity(&self, moq: f64) -> Result<f64> {
        Ok(number(self.inner.target_quantity(self::moq(moq)?)))
    }

    /// The bot quantity after a check (`existingBot` defaults to 0); never shrinks.
    #[napi]
    pub fn top_up(&self, moq: f64, paid_real: f64, existing_bot: Option<f64>) -> Result<f64> {
        let moq = self::moq(moq)?;
        let paid = quantity("paidReal", paid_real)?;
        let existing = quantity("existingBot", existing_bot.unwrap_or(0.0))?;
        Ok(number(self.inner.top_up(moq, paid, existing)))
    }
}
