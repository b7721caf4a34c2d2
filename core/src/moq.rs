//! The minimum order quantity of a session.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A factory's minimum order quantity: a whole number of units, from 2 to 10 000 000.
///
/// ```
/// use patungan_core::Moq;
/// assert_eq!(Moq::new(100)?.get(), 100);
/// assert_eq!(Moq::new(1).unwrap_err().code(), "moq.too_small");
/// assert_eq!(Moq::new(u64::MAX).unwrap_err().code(), "moq.too_large");
/// # Ok::<(), patungan_core::MoqError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "u64", into = "u64")]
pub struct Moq(u64);

/// The MOQ given is not usable: below [`Moq::MIN`] or above [`Moq::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("MOQ must be at {} {}, got {given}", self.bound_word(), self.bound())]
pub struct MoqError {
    /// The value that was given.
    pub given: u64,
    /// The smallest MOQ accepted.
    pub min: u64,
    /// The largest MOQ accepted.
    pub max: u64,
}

impl MoqError {
    /// A stable machine-readable code for this error, shared by every binding:
    /// `moq.too_small` or `moq.too_large`.
    pub const fn code(&self) -> &'static str {
        if self.given < self.min {
            "moq.too_small"
        } else {
            "moq.too_large"
        }
    }

    const fn bound_word(&self) -> &'static str {
        if self.given < self.min {
            "least"
        } else {
            "most"
        }
    }

    const fn bound(&self) -> u64 {
        if self.given < self.min {
            self.min
        } else {
            self.max
        }
    }
}

impl Moq {
    /// The smallest MOQ accepted.
    pub const MIN: u64 = 2;
    /// The largest MOQ accepted: ten million units, far beyond any factory order,
    /// small enough that quantities and fills never approach overflow.
    pub const MAX: u64 = 10_000_000;

    /// Validates and wraps a MOQ (`MIN ..= MAX`).
    pub const fn new(units: u64) -> Result<Self, MoqError> {
        if units < Self::MIN || units > Self::MAX {
            Err(MoqError {
                given: units,
                min: Self::MIN,
                max: Self::MAX,
            })
        } else {
            Ok(Moq(units))
        }
    }

    /// The number of units.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl TryFrom<u64> for Moq {
    type Error = MoqError;

    fn try_from(units: u64) -> Result<Self, Self::Error> {
        Moq::new(units)
    }
}

impl From<Moq> for u64 {
    fn from(moq: Moq) -> Self {
        moq.0
    }
}

impl fmt::Display for Moq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive_and_each_side_has_its_code() {
        assert_eq!(Moq::new(Moq::MIN).map(Moq::get), Ok(2));
        assert_eq!(Moq::new(Moq::MAX).map(Moq::get), Ok(10_000_000));
        let small = Moq::new(1).unwrap_err();
        assert_eq!(small.code(), "moq.too_small");
        assert_eq!(small.to_string(), "MOQ must be at least 2, got 1");
        let large = Moq::new(u64::MAX).unwrap_err();
        assert_eq!(large.code(), "moq.too_large");
        assert_eq!(
            large.to_string(),
            format!("MOQ must be at most 10000000, got {}", u64::MAX)
        );
        assert!(serde_json::from_str::<Moq>("18446744073709551615").is_err());
        assert!(serde_json::from_str::<Moq>("10000001").is_err());
    }
}
