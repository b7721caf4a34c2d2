//! The platform bot's "25 % guarantee": near the end of a weak session the platform
//! tops the fill up to a target share of the MOQ so that the session still succeeds.
//!
//! The bot counts toward fill only. It is never demand, never paid, never refunded.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::bp::BasisPoints;
use crate::moq::Moq;

/// When and how far the bot tops a session up (docs/domain.md §4).
///
/// ```
/// use patungan_core::{BotPolicy, Moq};
/// let bot = BotPolicy::default(); // enabled, 2 500 bp, 10 minutes
/// let moq = Moq::new(99)?;
/// assert_eq!(bot.top_up(moq, 10, 0), 15); // ceil(24.75) = 25 units of fill
/// assert_eq!(bot.top_up(moq, 0, 0), 0);   // nobody paid: no bot, the session fails
/// # Ok::<(), patungan_core::MoqError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "BotPolicyRepr", into = "BotPolicyRepr")]
pub struct BotPolicy {
    enabled: bool,
    target: BasisPoints,
    window_seconds: u32,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct BotPolicyRepr {
    enabled: bool,
    target_bp: BasisPoints,
    window_seconds: u32,
}

impl TryFrom<BotPolicyRepr> for BotPolicy {
    type Error = BotPolicyError;

    fn try_from(r: BotPolicyRepr) -> Result<Self, Self::Error> {
        BotPolicy::new(r.enabled, r.target_bp, r.window_seconds)
    }
}

impl From<BotPolicy> for BotPolicyRepr {
    fn from(p: BotPolicy) -> Self {
        BotPolicyRepr {
            enabled: p.enabled,
            target_bp: p.target,
            window_seconds: p.window_seconds,
        }
    }
}

/// The bot policy given is not usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BotPolicyError {
    /// The target must be between 1 bp and 10 000 bp.
    #[error("bot target must be between 1 and 10000 bp, got {0}")]
    TargetOutOfRange(BasisPoints),
}

impl BotPolicyError {
    /// A stable machine-readable code for this error, shared by every binding.
    pub const fn code(&self) -> &'static str {
        match self {
            BotPolicyError::TargetOutOfRange(_) => "bot.target_out_of_range",
        }
    }
}

impl Default for BotPolicy {
    fn default() -> Self {
        BotPolicy {
            enabled: true,
            target: Self::DEFAULT_TARGET,
            window_seconds: Self::DEFAULT_WINDOW_SECONDS,
        }
    }
}

impl BotPolicy {
    /// Default target: 25 % of the MOQ.
    pub const DEFAULT_TARGET: BasisPoints = BasisPoints::new(2_500);
    /// Default window: the bot check runs 10 minutes before the session ends.
    pub const DEFAULT_WINDOW_SECONDS: u32 = 600;

    /// A validated policy.
    pub fn new(
        enabled: bool,
        target: BasisPoints,
        window_seconds: u32,
    ) -> Result<Self, BotPolicyError> {
        if target == BasisPoints::ZERO || target > BasisPoints::ONE_HUNDRED_PERCENT {
            return Err(BotPolicyError::TargetOutOfRange(target));
        }
        Ok(BotPolicy {
            enabled,
            target,
            window_seconds,
        })
    }

    /// A policy under which the bot never tops up.
    pub fn disabled() -> Self {
        BotPolicy {
            enabled: false,
            ..BotPolicy::default()
        }
    }

    /// Whether the bot may top up at all.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The fill the bot tops up to.
    pub fn target(&self) -> BasisPoints {
        self.target
    }

    /// How long before the end the bot check runs.
    pub fn window(&self) -> TimeDelta {
        TimeDelta::seconds(i64::from(self.window_seconds))
    }

    /// The window in whole seconds.
    pub fn window_seconds(&self) -> u32 {
        self.window_seconds
    }

    /// The instant of the bot check for a session ending at `end`: `end − window`.
    pub fn check_at(&self, end: DateTime<Utc>) -> DateTime<Utc> {
        end.checked_sub_signed(self.window()).unwrap_or(end)
    }

    /// The units of fill the target stands for: `ceil(moq × target / 10 000)`.
    pub fn target_quantity(&self, moq: Moq) -> u64 {
        self.target.quantity_to_reach(moq.get())
    }

    /// The bot quantity after a check: unchanged when the bot is disabled, nobody
    /// has paid, or paid real units plus the existing bot already reach the target;
    /// otherwise `target quantity − paid real quantity`. Never shrinks.
    pub fn top_up(&self, moq: Moq, paid_real_qty: u64, existing_bot_qty: u64) -> u64 {
        if !self.enabled || paid_real_qty == 0 {
            return existing_bot_qty;
        }
        let needed = self.target_quantity(moq).saturating_sub(paid_real_qty);
        needed.max(existing_bot_qty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn design_vectors() {
        let bot = BotPolicy::default();
        let m = |n| Moq::new(n).unwrap();
        assert_eq!(bot.top_up(m(100), 20, 0), 5);
        assert_eq!(bot.top_up(m(100), 25, 0), 0);
        assert_eq!(bot.top_up(m(100), 0, 0), 0);
        assert_eq!(bot.top_up(m(99), 10, 0), 15);
        assert_eq!(bot.top_up(m(200), 40, 0), 10);
        assert_eq!(bot.top_up(m(100), 24, 0), 1);
        // Later check after some payments expired: tops up again, never shrinks.
        assert_eq!(bot.top_up(m(100), 15, 5), 10);
        assert_eq!(bot.top_up(m(100), 30, 5), 5);
        assert_eq!(BotPolicy::disabled().top_up(m(100), 20, 0), 0);
    }

    #[test]
    fn rejects_out_of_range_target() {
        assert!(BotPolicy::new(true, BasisPoints::new(0), 600).is_err());
        assert!(BotPolicy::new(true, BasisPoints::new(10_001), 600).is_err());
        assert!(serde_json::from_str::<BotPolicy>(
            r#"{"enabled":true,"target_bp":0,"window_seconds":600}"#
        )
        .is_err());
    }

    #[test]
    fn check_runs_one_window_before_the_end() {
        let end = DateTime::parse_from_rfc3339("2026-11-25T17:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let at = BotPolicy::default().check_at(end);
        assert_eq!(at.to_rfc3339(), "2026-11-25T16:50:00+00:00");
        let json = serde_json::to_string(&BotPolicy::default()).unwrap();
        assert_eq!(
            json,
            r#"{"enabled":true,"target_bp":2500,"window_seconds":600}"#
        );
    }
}
