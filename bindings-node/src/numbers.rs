//! JS numbers ↔ the core's integers, refusing anything that is not a safe integer.

use crate::errors::{invalid_arg, Result};

/// `Number.MAX_SAFE_INTEGER`: the largest integer a JS number holds exactly.
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A non-negative safe integer (a quantity, a MOQ …) as `u64`.
pub fn quantity(name: &str, value: f64) -> Result<u64> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= MAX_SAFE_INTEGER {
        // Exact: a non-negative integral f64 below 2^53 converts without loss.
        Ok(value as u64)
    } else {
        Err(invalid_arg(format!(
            "{name} must be a non-negative safe integer, got {value}"
        )))
    }
}

/// A non-negative integer that fits in 32 bits (basis points, seconds) as `u32`.
pub fn small(name: &str, value: f64) -> Result<u32> {
    let q = quantity(name, value)?;
    u32::try_from(q)
        .map_err(|_| invalid_arg(format!("{name} must be at most {}, got {q}", u32::MAX)))
}

/// A core quantity as a JS number (exact for every value below 2^53).
pub fn number(value: u64) -> f64 {
    value as f64
}
