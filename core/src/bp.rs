//! Basis points: integer percentages, 1 bp = 0.01 %, so 25 % is exactly 2 500 bp.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A percentage in basis points (1 bp = 0.01 %). 10 000 bp is 100 %.
///
/// ```
/// use patungan_core::BasisPoints;
/// assert_eq!(BasisPoints::new(2_500).to_string(), "25.00%");
/// assert_eq!(BasisPoints::fill(45, 100), BasisPoints::new(4_500));
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct BasisPoints(u32);

impl BasisPoints {
    /// 0 %.
    pub const ZERO: BasisPoints = BasisPoints(0);
    /// 100 % (10 000 bp).
    pub const ONE_HUNDRED_PERCENT: BasisPoints = BasisPoints(10_000);

    /// Wraps a number of basis points.
    pub const fn new(bp: u32) -> Self {
        BasisPoints(bp)
    }

    /// The number of basis points.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// `floor(10 000 × part / whole)`: how full `whole` is with `part` units.
    ///
    /// Saturates at `u32::MAX` bp for absurdly over-full values; a `whole` of zero
    /// gives `u32::MAX` for any positive part and zero otherwise (callers validate
    /// MOQ ≥ 2 before getting here).
    pub const fn fill(part: u64, whole: u64) -> Self {
        if whole == 0 {
            return if part == 0 {
                BasisPoints(0)
            } else {
                BasisPoints(u32::MAX)
            };
        }
        let bp = (part as u128 * 10_000) / whole as u128;
        if bp > u32::MAX as u128 {
            BasisPoints(u32::MAX)
        } else {
            BasisPoints(bp as u32)
        }
    }

    /// The smallest quantity `q` with `fill(q, whole) ≥ self`, i.e. `ceil(self × whole / 10 000)`.
    pub const fn quantity_to_reach(self, whole: u64) -> u64 {
        let num = self.0 as u128 * whole as u128;
        let q = num.div_ceil(10_000);
        if q > u64::MAX as u128 {
            u64::MAX
        } else {
            q as u64
        }
    }
}

impl fmt::Display for BasisPoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}%", self.0 / 100, self.0 % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_floors_and_quantity_to_reach_ceils() {
        assert_eq!(BasisPoints::fill(49, 100).get(), 4_900);
        assert_eq!(BasisPoints::fill(50, 200).get(), 2_500);
        assert_eq!(BasisPoints::fill(1, 3).get(), 3_333);
        assert_eq!(BasisPoints::fill(u64::MAX, 2).get(), u32::MAX);
        assert_eq!(BasisPoints::new(2_500).quantity_to_reach(99), 25);
        assert_eq!(BasisPoints::new(2_500).quantity_to_reach(100), 25);
        assert_eq!(
            BasisPoints::new(u32::MAX).quantity_to_reach(u64::MAX),
            u64::MAX
        );
    }
}
