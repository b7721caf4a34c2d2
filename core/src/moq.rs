//! The minimum order quantity of a session.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A factory's minimum order quantity: a whole number of units, at least 2.
///
/// ```
/// use patungan_core::Moq;
/// assert_eq!(Moq::new(100)?.get(), 100);
/// assert!(Moq::new(1).is_err());
/// # Ok::<(), patungan_core::MoqError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct Moq(u64);

/// The MOQ given is not usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("MOQ must be at least {min}, got {given}")]
pub struct MoqError {
    /// The value that was given.
    pub given: u64,
    /// The smallest MOQ accepted.
    pub min: u64,
}

impl MoqError {
    /// A stable machine-readable code for this error, shared by every binding.
    pub const fn code(&self) -> &'static str {
        "moq.too_small"
    }
}

impl Moq {
    /// The smallest MOQ accepted.
    pub const MIN: u64 = 2;

    /// Validates and wraps a MOQ.
    pub const fn new(units: u64) -> Result<Self, MoqError> {
        if units < Self::MIN {
            Err(MoqError {
                given: units,
                min: Self::MIN,
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
