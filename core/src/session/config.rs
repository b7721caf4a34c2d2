//! A session's configuration: product, MOQ, ladder, window, grosir bundle and policies.

use crate::quotes::ParcelSpec;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::bot::BotPolicy;
use crate::bp::BasisPoints;
use crate::cost::DEFAULT_GATEWAY_FEE;
use crate::grosir::GrosirConfig;
use crate::ids::{ProductId, VariantId};
use crate::money::{Currency, Money};
use crate::moq::Moq;
use crate::tier::TierLadder;

/// The product's factory bundle and what the warehouse pays the factory per unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SessionGrosir {
    /// Units per bundle and tolerance of each variant.
    pub bundle: GrosirConfig,
    /// Factory price per unit, used for the purchase order of the warehouse plan.
    pub factory_unit_cost: Money,
}

/// Everything that defines a session (docs/domain.md §1, §5). Fields are public so that
/// callers can use struct-update syntax; [`SessionConfig::validate`] (run when a state
/// is deserialised) checks the rules, and [`SessionConfig::validate_at`] (run by
/// `Session::create`) adds the bounds of the dates around `now`.
///
/// Bounds: MOQ 2 ..= 10 000 000 ([`Moq`]); rung thresholds and the success threshold
/// ≤ 10 000 bp unless the ladder allows rungs above the MOQ
/// ([`TierLadder::max_threshold`]); bot target 1 ..= 10 000 bp; per-join limit
/// 1 ..= 10 000 000; gateway fee ≤ 10 000 bp; invoice lifetime 1 s ..= 7 days;
/// `start` and `end` within 1 826 days (5 years) of the creation time.
///
/// In JSON every field after `bulk_shipping_cost` may be omitted and takes its default.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SessionConfig {
    /// The product sold.
    pub product: ProductId,
    /// Minimum order quantity.
    pub moq: Moq,
    /// The tier ladder, which carries the group price.
    pub ladder: TierLadder,
    /// Opening instant (inclusive), UTC.
    pub start: DateTime<Utc>,
    /// Closing instant (exclusive), UTC: the session settles at `end`.
    pub end: DateTime<Utc>,
    /// Factory → warehouse shipping for a whole MOQ (leg 1), shared by every unit.
    pub bulk_shipping_cost: Money,
    /// The product's grosir bundle; `None` when the product has no variants to balance.
    #[serde(default)]
    pub grosir: Option<SessionGrosir>,
    /// The bot top-up policy (default: enabled, 2 500 bp, 10 minutes).
    #[serde(default)]
    pub bot: BotPolicy,
    /// Whether a renewal is due when the session settles at `end` (default on).
    #[serde(default = "default_renewal")]
    pub renewal: bool,
    /// Fill needed to succeed; `None` means the ladder's lowest rung (the default).
    #[serde(default)]
    pub success_threshold: Option<BasisPoints>,
    /// The most units one join may take (default 1 000).
    #[serde(default = "default_per_join_limit")]
    pub per_join_limit: u64,
    /// Gateway fee on the product amount (default 300 bp).
    #[serde(default = "default_gateway_fee_rate")]
    pub gateway_fee_rate: BasisPoints,
    /// The payment window in seconds (default 30 min): a join's invoice expires at
    /// `min(join + window, end)`, and an unpaid join stops holding availability then.
    #[serde(default = "default_invoice_ttl_seconds")]
    pub invoice_ttl_seconds: u32,
    /// Unpaid joins one user may hold at once (default 1).
    #[serde(default = "default_pending_joins_per_user")]
    pub pending_joins_per_user: u32,
    /// The parcel one unit makes, for shipping quotes (absent: 1 kg, no dimensions,
    /// [`ParcelSpec::DEFAULT`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parcel: Option<ParcelSpec>,
}

fn default_renewal() -> bool {
    true
}

fn default_per_join_limit() -> u64 {
    SessionConfig::DEFAULT_PER_JOIN_LIMIT
}

fn default_gateway_fee_rate() -> BasisPoints {
    DEFAULT_GATEWAY_FEE
}

fn default_invoice_ttl_seconds() -> u32 {
    SessionConfig::DEFAULT_INVOICE_TTL_SECONDS
}

fn default_pending_joins_per_user() -> u32 {
    SessionConfig::DEFAULT_PENDING_JOINS_PER_USER
}

/// Why a session configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `start` must be before `end`.
    #[error("the session window is empty: start {start} must be before end {end}")]
    EmptyWindow {
        /// The configured start.
        start: DateTime<Utc>,
        /// The configured end.
        end: DateTime<Utc>,
    },
    /// Every amount must be in the ladder's currency.
    #[error("{field} is in {found} but the ladder prices are in {expected}")]
    CurrencyMismatch {
        /// The offending field.
        field: &'static str,
        /// The ladder's currency.
        expected: Currency,
        /// The field's currency.
        found: Currency,
    },
    /// A success threshold of 0 bp would let any session succeed.
    #[error("the success threshold must be at least 1 bp")]
    ZeroSuccessThreshold,
    /// A join must be allowed at least one unit.
    #[error("the per-join limit must be at least 1 unit")]
    ZeroJoinLimit,
    /// Invoices must live at least one second.
    #[error("the invoice lifetime must be at least 1 second")]
    ZeroInvoiceTtl,
    /// A user must be allowed at least one unpaid join.
    #[error("pending_joins_per_user must be at least 1")]
    ZeroPendingJoins,
    /// Invoices may live at most [`SessionConfig::MAX_INVOICE_TTL_SECONDS`].
    #[error("the invoice lifetime of {seconds} s is above the maximum of {max} s (7 days)")]
    InvoiceTtlTooLong {
        /// The configured lifetime.
        seconds: u32,
        /// The longest lifetime accepted.
        max: u32,
    },
    /// The success threshold is above what the ladder allows.
    #[error("the success threshold {threshold} is above the maximum of {max} for this ladder (set `allow_above_moq` on the ladder to go beyond 100% of the MOQ)")]
    SuccessThresholdTooHigh {
        /// The configured threshold.
        threshold: BasisPoints,
        /// The highest threshold accepted.
        max: BasisPoints,
    },
    /// The per-join limit is above [`SessionConfig::MAX_PER_JOIN_LIMIT`].
    #[error("the per-join limit of {limit} units is above the maximum of {max}")]
    JoinLimitTooHigh {
        /// The configured limit.
        limit: u64,
        /// The largest limit accepted.
        max: u64,
    },
    /// The gateway fee is above 100 % of the product amount.
    #[error("the gateway fee rate {rate} is above the maximum of {max}")]
    GatewayFeeTooHigh {
        /// The configured rate.
        rate: BasisPoints,
        /// The highest rate accepted.
        max: BasisPoints,
    },
    /// `start` or `end` lies too far from the creation time.
    #[error("{field} {at} is more than {max_days} days (5 years) from now ({now}); choose a date closer to now")]
    DateOutOfRange {
        /// `start` or `end`.
        field: &'static str,
        /// The configured instant.
        at: DateTime<Utc>,
        /// The creation time.
        now: DateTime<Utc>,
        /// The largest distance accepted, in days.
        max_days: i64,
    },
    /// A join names a variant, but the session has no grosir bundle.
    #[error(
        "variant {variant} was given, but this session's product has no variants; omit `variant`"
    )]
    VariantWithoutGrosir {
        /// The variant named.
        variant: VariantId,
    },
}

impl ConfigError {
    /// A stable machine-readable code for this error, shared by every binding.
    pub const fn code(&self) -> &'static str {
        match self {
            ConfigError::EmptyWindow { .. } => "session_config.empty_window",
            ConfigError::CurrencyMismatch { .. } => "session_config.currency_mismatch",
            ConfigError::ZeroSuccessThreshold => "session_config.zero_success_threshold",
            ConfigError::ZeroJoinLimit => "session_config.zero_join_limit",
            ConfigError::ZeroInvoiceTtl => "session_config.zero_invoice_ttl",
            ConfigError::ZeroPendingJoins => "session_config.zero_pending_joins",
            ConfigError::InvoiceTtlTooLong { .. } => "session_config.invoice_ttl_too_long",
            ConfigError::SuccessThresholdTooHigh { .. } => {
                "session_config.success_threshold_too_high"
            }
            ConfigError::JoinLimitTooHigh { .. } => "session_config.join_limit_too_high",
            ConfigError::GatewayFeeTooHigh { .. } => "session_config.gateway_fee_too_high",
            ConfigError::DateOutOfRange { .. } => "session_config.date_out_of_range",
            ConfigError::VariantWithoutGrosir { .. } => "session_config.variant_without_grosir",
        }
    }
}

impl SessionConfig {
    /// Default per-join limit: 1 000 units.
    pub const DEFAULT_PER_JOIN_LIMIT: u64 = 1_000;
    /// Default payment window: 30 minutes.
    pub const DEFAULT_INVOICE_TTL_SECONDS: u32 = 30 * 60;
    /// Default unpaid joins per user: 1.
    pub const DEFAULT_PENDING_JOINS_PER_USER: u32 = 1;
    /// The longest invoice lifetime accepted: 7 days.
    pub const MAX_INVOICE_TTL_SECONDS: u32 = 7 * 24 * 60 * 60;
    /// The largest per-join limit accepted (the largest MOQ).
    pub const MAX_PER_JOIN_LIMIT: u64 = Moq::MAX;
    /// The highest gateway fee rate accepted: 100 % of the product amount.
    pub const MAX_GATEWAY_FEE_RATE: BasisPoints = BasisPoints::ONE_HUNDRED_PERCENT;
    /// How far `start` and `end` may lie from the creation time: 1 826 days (5 years).
    pub const MAX_DAYS_FROM_NOW: i64 = 1_826;

    /// A configuration with every default: no grosir bundle, the default bot
    /// policy, renewal on, success at the lowest rung, 1 000 units per join,
    /// a 300 bp gateway fee, a 30 min payment window and one unpaid join per user.
    pub fn new(
        product: ProductId,
        moq: Moq,
        ladder: TierLadder,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        bulk_shipping_cost: Money,
    ) -> Self {
        SessionConfig {
            product,
            moq,
            ladder,
            start,
            end,
            bulk_shipping_cost,
            grosir: None,
            bot: BotPolicy::default(),
            renewal: true,
            success_threshold: None,
            per_join_limit: Self::DEFAULT_PER_JOIN_LIMIT,
            gateway_fee_rate: DEFAULT_GATEWAY_FEE,
            invoice_ttl_seconds: Self::DEFAULT_INVOICE_TTL_SECONDS,
            pending_joins_per_user: Self::DEFAULT_PENDING_JOINS_PER_USER,
            parcel: None,
        }
    }

    /// Checks the rules the types alone do not enforce. It reads no clock, so a stored
    /// state validates the same way at any time; [`SessionConfig::validate_at`] adds
    /// the date bounds for a new session.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.check_window()?;
        self.check_currencies()?;
        self.check_thresholds()?;
        self.check_limits()
    }

    /// [`SessionConfig::validate`], and `start` and `end` within
    /// [`SessionConfig::MAX_DAYS_FROM_NOW`] days of `now` (the creation time).
    pub fn validate_at(&self, now: DateTime<Utc>) -> Result<(), ConfigError> {
        self.validate()?;
        let max = TimeDelta::days(Self::MAX_DAYS_FROM_NOW);
        for (field, at) in [("start", self.start), ("end", self.end)] {
            if (at - now).abs() > max {
                return Err(ConfigError::DateOutOfRange {
                    field,
                    at,
                    now,
                    max_days: Self::MAX_DAYS_FROM_NOW,
                });
            }
        }
        Ok(())
    }

    /// Checks the variant a join names against the bundle: a session without a grosir
    /// bundle takes no variant. (With a bundle, the join checks that the variant is
    /// given and known.)
    pub fn check_variant(&self, variant: Option<VariantId>) -> Result<(), ConfigError> {
        match (variant, &self.grosir) {
            (Some(variant), None) => Err(ConfigError::VariantWithoutGrosir { variant }),
            _ => Ok(()),
        }
    }

    fn check_window(&self) -> Result<(), ConfigError> {
        if self.start >= self.end {
            return Err(ConfigError::EmptyWindow {
                start: self.start,
                end: self.end,
            });
        }
        Ok(())
    }

    fn check_currencies(&self) -> Result<(), ConfigError> {
        let expected = self.ladder.currency();
        let mut amounts = vec![("bulk_shipping_cost", self.bulk_shipping_cost)];
        if let Some(g) = &self.grosir {
            amounts.push(("grosir.factory_unit_cost", g.factory_unit_cost));
        }
        for (field, amount) in amounts {
            if amount.currency() != expected {
                return Err(ConfigError::CurrencyMismatch {
                    field,
                    expected,
                    found: amount.currency(),
                });
            }
        }
        Ok(())
    }

    fn check_thresholds(&self) -> Result<(), ConfigError> {
        let Some(threshold) = self.success_threshold else {
            return Ok(());
        };
        if threshold == BasisPoints::ZERO {
            return Err(ConfigError::ZeroSuccessThreshold);
        }
        let max = self.ladder.max_threshold();
        if threshold > max {
            return Err(ConfigError::SuccessThresholdTooHigh { threshold, max });
        }
        Ok(())
    }

    fn check_limits(&self) -> Result<(), ConfigError> {
        if self.per_join_limit == 0 {
            return Err(ConfigError::ZeroJoinLimit);
        }
        if self.per_join_limit > Self::MAX_PER_JOIN_LIMIT {
            return Err(ConfigError::JoinLimitTooHigh {
                limit: self.per_join_limit,
                max: Self::MAX_PER_JOIN_LIMIT,
            });
        }
        if self.gateway_fee_rate > Self::MAX_GATEWAY_FEE_RATE {
            return Err(ConfigError::GatewayFeeTooHigh {
                rate: self.gateway_fee_rate,
                max: Self::MAX_GATEWAY_FEE_RATE,
            });
        }
        if self.invoice_ttl_seconds == 0 {
            return Err(ConfigError::ZeroInvoiceTtl);
        }
        if self.pending_joins_per_user == 0 {
            return Err(ConfigError::ZeroPendingJoins);
        }
        if self.invoice_ttl_seconds > Self::MAX_INVOICE_TTL_SECONDS {
            return Err(ConfigError::InvoiceTtlTooLong {
                seconds: self.invoice_ttl_seconds,
                max: Self::MAX_INVOICE_TTL_SECONDS,
            });
        }
        Ok(())
    }

    /// The fill needed to succeed: the configured threshold or the lowest rung's.
    pub fn success_threshold(&self) -> BasisPoints {
        self.success_threshold
            .unwrap_or_else(|| self.ladder.lowest_threshold())
    }

    /// The group price every joiner pays per unit.
    pub fn group_price(&self) -> Money {
        self.ladder.group_price()
    }

    /// The invoice lifetime.
    pub fn invoice_ttl(&self) -> TimeDelta {
        TimeDelta::seconds(i64::from(self.invoice_ttl_seconds))
    }

    /// The instant of the bot check: `end − bot window`.
    pub fn bot_check_at(&self) -> DateTime<Utc> {
        self.bot.check_at(self.end)
    }

    /// The grosir bundle, if any.
    pub fn bundle(&self) -> Option<&GrosirConfig> {
        self.grosir.as_ref().map(|g| &g.bundle)
    }

    /// Number of variants in the bundle (0 without one).
    pub(crate) fn variant_count(&self) -> usize {
        self.bundle().map_or(0, GrosirConfig::len)
    }
}
