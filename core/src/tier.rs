//! The tier ladder: the more of the MOQ a session fills, the lower the unit price.
//!
//! Everyone pays the group price at join; at settlement the whole session gets the
//! price of the highest rung it reached (bulk pricing, not graduated), and each
//! paid buyer is credited the difference as cashback.

use serde::{Deserialize, Serialize};

use crate::bp::BasisPoints;
use crate::money::{Currency, Money, MoneyError};
use crate::moq::Moq;

/// One step of a ladder: reaching `threshold` of the MOQ unlocks `unit_price`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Rung {
    /// Fill, in basis points of the MOQ, at which this rung is reached (inclusive).
    pub threshold: BasisPoints,
    /// The unit price everyone pays once this rung is reached.
    pub unit_price: Money,
}

impl Rung {
    /// A rung reached at `threshold` with `unit_price`.
    pub const fn new(threshold: BasisPoints, unit_price: Money) -> Self {
        Rung {
            threshold,
            unit_price,
        }
    }
}

/// A rung together with its position in the ladder (0 = lowest threshold).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RungView {
    /// Position in the ladder, 0 for the lowest threshold.
    pub index: u32,
    /// Fill in basis points at which the rung is reached.
    pub threshold: BasisPoints,
    /// The unit price of the rung.
    pub unit_price: Money,
}

/// Why a ladder or a pricing question was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TierError {
    /// A ladder needs at least one rung.
    #[error("a tier ladder needs at least one rung")]
    NoRungs,
    /// The group price must be above zero.
    #[error("the group price must be greater than zero")]
    ZeroGroupPrice,
    /// A rung's threshold is 0 bp.
    #[error("rung {index}: threshold must be at least 1 bp")]
    ZeroThreshold {
        /// Position of the rung.
        index: usize,
    },
    /// A threshold is above 100 % of the MOQ on a ladder that does not allow it.
    #[error("rung {index}: threshold {threshold} is above 100% of the MOQ (10000 bp); build the ladder with `allow_above_moq: true` if rungs beyond the MOQ are intended")]
    ThresholdAboveMoq {
        /// Position of the rung.
        index: usize,
        /// Its threshold.
        threshold: BasisPoints,
    },
    /// A threshold is above the most any ladder allows ([`TierLadder::MAX_ABOVE_MOQ_THRESHOLD`]).
    #[error("rung {index}: threshold {threshold} is above the maximum of {max}")]
    ThresholdTooHigh {
        /// Position of the rung.
        index: usize,
        /// Its threshold.
        threshold: BasisPoints,
        /// The largest threshold accepted.
        max: BasisPoints,
    },
    /// Thresholds must strictly increase.
    #[error("rung {index}: threshold {threshold} must be above the previous rung's {previous}")]
    ThresholdNotIncreasing {
        /// Position of the rung.
        index: usize,
        /// Its threshold.
        threshold: BasisPoints,
        /// The previous rung's threshold.
        previous: BasisPoints,
    },
    /// A rung's price is zero.
    #[error("rung {index}: unit price must be greater than zero")]
    ZeroPrice {
        /// Position of the rung.
        index: usize,
    },
    /// Prices may not rise as thresholds rise.
    #[error("rung {index}: unit price {price} is above the previous rung's {previous}; prices must not rise with the threshold")]
    PriceIncreasing {
        /// Position of the rung.
        index: usize,
        /// Its price.
        price: Money,
        /// The previous rung's price.
        previous: Money,
    },
    /// A rung may not cost more than the group price.
    #[error("rung {index}: unit price {price} is above the group price {group_price}")]
    PriceAboveGroupPrice {
        /// Position of the rung.
        index: usize,
        /// Its price.
        price: Money,
        /// The group price.
        group_price: Money,
    },
    /// The quantities given add up past `u64::MAX`.
    #[error("quantity overflow: {filled} + {extra} does not fit in 64 bits")]
    QuantityOverflow {
        /// Units already filled.
        filled: u64,
        /// Extra units asked about.
        extra: u64,
    },
    /// A money rule failed (mismatched currency, overflow …).
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl TierError {
    /// A stable machine-readable code for this error, shared by every binding.
    pub fn code(&self) -> &'static str {
        match self {
            TierError::NoRungs => "tier.no_rungs",
            TierError::ZeroGroupPrice => "tier.zero_group_price",
            TierError::ZeroThreshold { .. } => "tier.zero_threshold",
            TierError::ThresholdAboveMoq { .. } => "tier.threshold_above_moq",
            TierError::ThresholdTooHigh { .. } => "tier.threshold_too_high",
            TierError::ThresholdNotIncreasing { .. } => "tier.threshold_not_increasing",
            TierError::ZeroPrice { .. } => "tier.zero_price",
            TierError::PriceIncreasing { .. } => "tier.price_increasing",
            TierError::PriceAboveGroupPrice { .. } => "tier.price_above_group_price",
            TierError::QuantityOverflow { .. } => "tier.quantity_overflow",
            TierError::Money(e) => e.code(),
        }
    }
}

/// A validated tier ladder with its group price.
///
/// Thresholds are at most 100 % of the MOQ (10 000 bp) unless the ladder is built with
/// [`TierLadder::allowing_above_moq`] (JSON: `"allow_above_moq": true`), and then at most
/// [`TierLadder::MAX_ABOVE_MOQ_THRESHOLD`].
///
/// ```
/// use patungan_core::{Money, Moq, TierLadder};
///
/// let ladder = TierLadder::with_default_thresholds(
///     Money::idr(200_000),
///     [Money::idr(180_000), Money::idr(165_000), Money::idr(155_000), Money::idr(150_000)],
/// )?;
/// let moq = Moq::new(100)?;
/// assert_eq!(ladder.final_price(moq, 87), Money::idr(155_000));
/// assert_eq!(ladder.cashback(moq, 87, 10)?, Money::idr(450_000));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "LadderRepr", into = "LadderRepr")]
pub struct TierLadder {
    group_price: Money,
    rungs: Vec<Rung>,
    allow_above_moq: bool,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct LadderRepr {
    group_price: Money,
    rungs: Vec<Rung>,
    /// Absent (false) in every ladder that keeps its rungs within the MOQ.
    #[serde(default, skip_serializing_if = "is_false")]
    allow_above_moq: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl TryFrom<LadderRepr> for TierLadder {
    type Error = TierError;

    fn try_from(repr: LadderRepr) -> Result<Self, Self::Error> {
        TierLadder::build(repr.group_price, repr.rungs, repr.allow_above_moq)
    }
}

impl From<TierLadder> for LadderRepr {
    fn from(ladder: TierLadder) -> Self {
        LadderRepr {
            group_price: ladder.group_price,
            rungs: ladder.rungs,
            allow_above_moq: ladder.allow_above_moq,
        }
    }
}

/// The default rung thresholds: 25 %, 50 %, 75 % and 100 % of the MOQ.
pub const DEFAULT_THRESHOLDS: [BasisPoints; 4] = [
    BasisPoints::new(2_500),
    BasisPoints::new(5_000),
    BasisPoints::new(7_500),
    BasisPoints::new(10_000),
];

impl TierLadder {
    /// The highest threshold any ladder may have: 10× the MOQ (100 000 bp), and only
    /// on a ladder that allows rungs above the MOQ.
    pub const MAX_ABOVE_MOQ_THRESHOLD: BasisPoints = BasisPoints::new(100_000);

    /// Validates and builds a ladder (docs/domain.md §3): at least one rung; thresholds
    /// strictly increasing, ≥ 1 bp and ≤ 10 000 bp (100 % of the MOQ); prices > 0,
    /// non-increasing, each ≤ the group price; one currency throughout.
    pub fn new(group_price: Money, rungs: Vec<Rung>) -> Result<Self, TierError> {
        Self::build(group_price, rungs, false)
    }

    /// Like [`TierLadder::new`], but rungs may lie beyond the MOQ (a session that
    /// sells past its MOQ unlocks further discounts), up to
    /// [`TierLadder::MAX_ABOVE_MOQ_THRESHOLD`].
    ///
    /// ```
    /// use patungan_core::{BasisPoints, Money, Rung, TierLadder};
    /// let rungs = vec![
    ///     Rung::new(BasisPoints::new(10_000), Money::idr(90)),
    ///     Rung::new(BasisPoints::new(20_000), Money::idr(80)),
    /// ];
    /// assert_eq!(
    ///     TierLadder::new(Money::idr(100), rungs.clone()).unwrap_err().code(),
    ///     "tier.threshold_above_moq"
    /// );
    /// assert!(TierLadder::allowing_above_moq(Money::idr(100), rungs)?.allows_above_moq());
    /// # Ok::<(), patungan_core::TierError>(())
    /// ```
    pub fn allowing_above_moq(group_price: Money, rungs: Vec<Rung>) -> Result<Self, TierError> {
        Self::build(group_price, rungs, true)
    }

    fn build(
        group_price: Money,
        rungs: Vec<Rung>,
        allow_above_moq: bool,
    ) -> Result<Self, TierError> {
        if group_price.is_zero() {
            return Err(TierError::ZeroGroupPrice);
        }
        if rungs.is_empty() {
            return Err(TierError::NoRungs);
        }
        let mut previous: Option<&Rung> = None;
        for (index, rung) in rungs.iter().enumerate() {
            rung.unit_price.ensure_currency(group_price.currency())?;
            if rung.threshold == BasisPoints::ZERO {
                return Err(TierError::ZeroThreshold { index });
            }
            check_threshold_bound(index, rung.threshold, allow_above_moq)?;
            if rung.unit_price.is_zero() {
                return Err(TierError::ZeroPrice { index });
            }
            if rung.unit_price > group_price {
                return Err(TierError::PriceAboveGroupPrice {
                    index,
                    price: rung.unit_price,
                    group_price,
                });
            }
            if let Some(prev) = previous {
                if rung.threshold <= prev.threshold {
                    return Err(TierError::ThresholdNotIncreasing {
                        index,
                        threshold: rung.threshold,
                        previous: prev.threshold,
                    });
                }
                if rung.unit_price > prev.unit_price {
                    return Err(TierError::PriceIncreasing {
                        index,
                        price: rung.unit_price,
                        previous: prev.unit_price,
                    });
                }
            }
            previous = Some(rung);
        }
        Ok(TierLadder {
            group_price,
            rungs,
            allow_above_moq,
        })
    }

    /// Whether rungs may lie beyond 100 % of the MOQ.
    pub fn allows_above_moq(&self) -> bool {
        self.allow_above_moq
    }

    /// The highest threshold this ladder (and a success threshold on it) may use:
    /// 10 000 bp, or [`TierLadder::MAX_ABOVE_MOQ_THRESHOLD`] when rungs may lie beyond the MOQ.
    pub fn max_threshold(&self) -> BasisPoints {
        max_threshold(self.allow_above_moq)
    }

    /// A ladder on the default thresholds (25/50/75/100 % of MOQ) with the given prices.
    pub fn with_default_thresholds(
        group_price: Money,
        prices: [Money; 4],
    ) -> Result<Self, TierError> {
        let rungs = DEFAULT_THRESHOLDS
            .into_iter()
            .zip(prices)
            .map(|(threshold, unit_price)| Rung::new(threshold, unit_price))
            .collect();
        TierLadder::new(group_price, rungs)
    }

    /// The base unit price every joiner pays up front.
    pub fn group_price(&self) -> Money {
        self.group_price
    }

    /// The currency of every price in the ladder.
    pub fn currency(&self) -> Currency {
        self.group_price.currency()
    }

    /// The rungs, lowest threshold first.
    pub fn rungs(&self) -> &[Rung] {
        &self.rungs
    }

    /// The lowest rung's threshold (the default success threshold of a session).
    pub fn lowest_threshold(&self) -> BasisPoints {
        self.rungs
            .first()
            .map_or(BasisPoints::ONE_HUNDRED_PERCENT, |r| r.threshold)
    }

    /// `floor(10 000 × filled / moq)`.
    pub fn fill_bp(moq: Moq, filled: u64) -> BasisPoints {
        BasisPoints::fill(filled, moq.get())
    }

    /// The highest rung reached at `fill` (inclusive), if any.
    pub fn rung_at(&self, fill: BasisPoints) -> Option<RungView> {
        let reached = self.rungs.partition_point(|r| r.threshold <= fill);
        let index = reached.checked_sub(1)?;
        self.view(index)
    }

    fn view(&self, index: usize) -> Option<RungView> {
        self.rungs.get(index).map(|r| RungView {
            index: u32::try_from(index).unwrap_or(u32::MAX),
            threshold: r.threshold,
            unit_price: r.unit_price,
        })
    }

    /// The lowest rung not yet reached at `fill`, if any.
    pub fn next_rung_after(&self, fill: BasisPoints) -> Option<RungView> {
        self.view(self.rungs.partition_point(|r| r.threshold <= fill))
    }

    /// The unit price at `fill`: the highest reached rung's, or the group price below the lowest rung.
    pub fn price_at(&self, fill: BasisPoints) -> Money {
        self.rung_at(fill)
            .map_or(self.group_price, |rung| rung.unit_price)
    }

    /// The final unit price of a session of `moq` holding `filled` units.
    pub fn final_price(&self, moq: Moq, filled: u64) -> Money {
        self.price_at(Self::fill_bp(moq, filled))
    }

    /// Cashback for a buyer of `quantity` units: `(group price − final price) × quantity`.
    pub fn cashback(&self, moq: Moq, filled: u64, quantity: u64) -> Result<Money, TierError> {
        self.cashback_at(Self::fill_bp(moq, filled), quantity)
    }

    /// Cashback at a known fill.
    pub fn cashback_at(&self, fill: BasisPoints, quantity: u64) -> Result<Money, TierError> {
        let saving = self.group_price.checked_sub(self.price_at(fill))?;
        Ok(saving.checked_mul_qty(quantity)?)
    }

    /// What a session of `moq` holding `filled` units looks like, and what it would
    /// look like with `extra` more units (e.g. the quantity a shopper is typing).
    ///
    /// ```
    /// use patungan_core::{Money, Moq, TierLadder};
    /// let ladder = TierLadder::with_default_thresholds(
    ///     Money::idr(200_000),
    ///     [Money::idr(150_000), Money::idr(135_000), Money::idr(120_000), Money::idr(105_000)],
    /// )?;
    /// let p = ladder.preview(Moq::new(100)?, 45, 5)?;
    /// assert_eq!(p.current_unit_price, Money::idr(150_000));
    /// assert_eq!(p.price_if_closed_now, Money::idr(135_000)); // 50 units reach the next rung
    /// assert_eq!(p.units_to_next_rung, Some(25));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn preview(&self, moq: Moq, filled: u64, extra: u64) -> Result<Preview, TierError> {
        let total = filled
            .checked_add(extra)
            .ok_or(TierError::QuantityOverflow { filled, extra })?;
        let fill_bp = Self::fill_bp(moq, filled);
        let current_rung = self.rung_at(fill_bp);
        let current_unit_price = current_rung.map_or(self.group_price, |r| r.unit_price);
        let projected_fill_bp = Self::fill_bp(moq, total);
        let price_if_closed_now = self.price_at(projected_fill_bp);
        let next_rung = self.next_rung_after(projected_fill_bp);
        let units_to_next_rung = next_rung.map(|r| {
            r.threshold
                .quantity_to_reach(moq.get())
                .saturating_sub(total)
        });
        let saving_per_unit_at_next_rung = next_rung
            .map(|r| self.group_price.checked_sub(r.unit_price))
            .transpose()?;
        Ok(Preview {
            moq: moq.get(),
            filled_quantity: filled,
            extra_quantity: extra,
            fill_bp,
            current_rung,
            current_unit_price,
            saving_per_unit_now: self.group_price.checked_sub(current_unit_price)?,
            projected_fill_bp,
            price_if_closed_now,
            next_rung,
            units_to_next_rung,
            saving_per_unit_at_next_rung,
        })
    }
}

fn max_threshold(allow_above_moq: bool) -> BasisPoints {
    if allow_above_moq {
        TierLadder::MAX_ABOVE_MOQ_THRESHOLD
    } else {
        BasisPoints::ONE_HUNDRED_PERCENT
    }
}

fn check_threshold_bound(
    index: usize,
    threshold: BasisPoints,
    allow_above_moq: bool,
) -> Result<(), TierError> {
    let max = max_threshold(allow_above_moq);
    if threshold <= max {
        Ok(())
    } else if allow_above_moq {
        Err(TierError::ThresholdTooHigh {
            index,
            threshold,
            max,
        })
    } else {
        Err(TierError::ThresholdAboveMoq { index, threshold })
    }
}

/// The answer to "where does this session stand, and what would I pay?".
///
/// Fields about *now* use the filled quantity; fields about the caller's choice
/// (`projected_*`, `price_if_closed_now`, `next_rung` …) add the extra quantity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    /// The session's MOQ.
    pub moq: u64,
    /// Units already counted toward fill (paid real participants + bot).
    pub filled_quantity: u64,
    /// The extra units the caller is considering.
    pub extra_quantity: u64,
    /// Fill now, in basis points of the MOQ.
    pub fill_bp: BasisPoints,
    /// The highest rung reached now.
    pub current_rung: Option<RungView>,
    /// The unit price if the session closed now without the extra units.
    pub current_unit_price: Money,
    /// Group price minus the current unit price.
    pub saving_per_unit_now: Money,
    /// Fill with the extra units.
    pub projected_fill_bp: BasisPoints,
    /// The unit price the caller would end up paying if the session closed now with the extra units.
    pub price_if_closed_now: Money,
    /// The lowest rung not reached even with the extra units.
    pub next_rung: Option<RungView>,
    /// Units still needed, beyond the extra units, to reach the next rung.
    pub units_to_next_rung: Option<u64>,
    /// Group price minus the next rung's unit price.
    pub saving_per_unit_at_next_rung: Option<Money>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ladder() -> TierLadder {
        TierLadder::with_default_thresholds(
            Money::idr(200_000),
            [
                Money::idr(180_000),
                Money::idr(165_000),
                Money::idr(155_000),
                Money::idr(150_000),
            ],
        )
        .unwrap()
    }

    #[test]
    fn design_examples() {
        let l = ladder();
        let moq = Moq::new(100).unwrap();
        assert_eq!(l.final_price(moq, 87), Money::idr(155_000));
        assert_eq!(l.final_price(moq, 24), Money::idr(200_000));
        assert_eq!(l.final_price(moq, 150), Money::idr(150_000));
        assert_eq!(
            TierLadder::fill_bp(Moq::new(200).unwrap(), 50),
            BasisPoints::new(2_500)
        );
    }

    #[test]
    fn invalid_ladders_are_rejected() {
        let g = Money::idr(100);
        let r = |t, p| Rung::new(BasisPoints::new(t), Money::idr(p));
        let code = |rungs| TierLadder::new(g, rungs).unwrap_err().code();
        assert_eq!(code(vec![]), "tier.no_rungs");
        assert_eq!(code(vec![r(0, 90)]), "tier.zero_threshold");
        assert_eq!(code(vec![r(10, 0)]), "tier.zero_price");
        assert_eq!(code(vec![r(10, 101)]), "tier.price_above_group_price");
        assert_eq!(
            code(vec![r(10, 90), r(10, 80)]),
            "tier.threshold_not_increasing"
        );
        assert_eq!(code(vec![r(10, 90), r(20, 95)]), "tier.price_increasing");
        assert_eq!(
            TierLadder::new(Money::idr(0), vec![r(10, 1)])
                .unwrap_err()
                .code(),
            "tier.zero_group_price"
        );
    }

    #[test]
    fn thresholds_above_the_moq_need_the_explicit_opt_in() {
        let g = Money::idr(100);
        let r = |t, p| Rung::new(BasisPoints::new(t), Money::idr(p));
        let err = TierLadder::new(g, vec![r(5_000, 90), r(4_000_000_000, 80)]).unwrap_err();
        assert_eq!(err.code(), "tier.threshold_above_moq");
        assert!(err.to_string().contains("allow_above_moq"), "{err}");
        assert!(TierLadder::new(g, vec![r(10_000, 90)]).is_ok());
        assert_eq!(
            TierLadder::new(g, vec![r(10_001, 90)]).unwrap_err().code(),
            "tier.threshold_above_moq"
        );
        let above = TierLadder::allowing_above_moq(g, vec![r(10_000, 90), r(100_000, 80)]).unwrap();
        assert_eq!(above.max_threshold(), TierLadder::MAX_ABOVE_MOQ_THRESHOLD);
        assert_eq!(
            TierLadder::allowing_above_moq(g, vec![r(4_000_000_000, 80)])
                .unwrap_err()
                .code(),
            "tier.threshold_too_high"
        );
    }

    #[test]
    fn the_opt_in_round_trips_and_is_absent_by_default() {
        let json = r#"{"group_price":{"amount":"100","currency":"IDR"},"rungs":[{"threshold":20000,"unit_price":{"amount":"80","currency":"IDR"}}]}"#;
        assert!(serde_json::from_str::<TierLadder>(json).is_err());
        let opted = json.replace(r#""rungs""#, r#""allow_above_moq":true,"rungs""#);
        let ladder: TierLadder = serde_json::from_str(&opted).unwrap();
        assert!(ladder.allows_above_moq());
        let back = serde_json::to_string(&ladder).unwrap();
        assert!(back.contains(r#""allow_above_moq":true"#), "{back}");
        let plain = serde_json::to_string(&self::ladder()).unwrap();
        assert!(!plain.contains("allow_above_moq"), "{plain}");
    }

    #[test]
    fn preview_at_the_top_has_no_next_rung() {
        let p = ladder().preview(Moq::new(100).unwrap(), 100, 0).unwrap();
        assert_eq!(p.next_rung, None);
        assert_eq!(p.units_to_next_rung, None);
        assert_eq!(p.saving_per_unit_now, Money::idr(50_000));
    }

    #[test]
    fn preview_quantity_overflow_is_an_error() {
        let err = ladder()
            .preview(Moq::new(100).unwrap(), u64::MAX, 1)
            .unwrap_err();
        assert_eq!(err.code(), "tier.quantity_overflow");
    }

    #[test]
    fn serde_rejects_invalid_ladders() {
        let json = r#"{"group_price":{"amount":"100","currency":"IDR"},"rungs":[]}"#;
        assert!(serde_json::from_str::<TierLadder>(json).is_err());
        let l = ladder();
        let back: TierLadder = serde_json::from_str(&serde_json::to_string(&l).unwrap()).unwrap();
        assert_eq!(back, l);
    }

    #[test]
    fn rung_lookup_is_inclusive_at_each_threshold() {
        let l = ladder();
        for (index, rung) in l.rungs().iter().enumerate() {
            let at = l.rung_at(rung.threshold).unwrap();
            assert_eq!(at.index as usize, index);
            let below = BasisPoints::new(rung.threshold.get() - 1);
            assert_eq!(
                l.rung_at(below).map(|r| r.index as usize),
                index.checked_sub(1)
            );
            assert_eq!(
                l.next_rung_after(below).map(|r| r.index as usize),
                Some(index)
            );
        }
        assert_eq!(l.lowest_threshold(), BasisPoints::new(2_500));
    }
}
