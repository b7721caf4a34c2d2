//! Instants: a `Date` or an RFC 3339 string in, a `Date` out.

use chrono::{DateTime, Utc};
use napi::Either;

use crate::errors::{invalid_arg, Result};

/// An instant given as a `Date` or an RFC 3339 string with an offset.
pub type Instant = Either<DateTime<Utc>, String>;

/// Reads an instant as UTC.
pub fn utc(value: Instant) -> Result<DateTime<Utc>> {
    match value {
        Either::A(date) => Ok(date),
        Either::B(text) => DateTime::parse_from_rfc3339(&text)
            .map(|dt| dt.with_timezone(&Utc))
            .map_err(|e| invalid_arg(format!("{text:?} is not an RFC 3339 instant: {e}"))),
    }
}
