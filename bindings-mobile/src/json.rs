//! JSON-level helpers: records cross as the core's JSON text; instants as RFC 3339.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;

use crate::errors::PatunganError;

/// A core value from its JSON text (`json.invalid` if it is not one).
pub fn parse<T: DeserializeOwned>(json: &str) -> Result<T, PatunganError> {
    serde_json::from_str(json).map_err(PatunganError::from_json)
}

/// A core value's JSON text.
pub fn text<T: Serialize>(value: &T) -> Result<String, PatunganError> {
    serde_json::to_string(value).map_err(PatunganError::from_json)
}

/// An RFC 3339 instant (any offset) as UTC.
pub fn instant(text: &str) -> Result<DateTime<Utc>, PatunganError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            PatunganError::invalid_argument(format!("{text:?} is not an RFC 3339 instant: {e}"))
        })
}

/// An instant as the core writes it (RFC 3339, UTC, `Z`).
pub fn instant_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A UUID string as a core id.
pub fn id<T: From<Uuid>>(text: &str) -> Result<T, PatunganError> {
    Uuid::parse_str(text)
        .map(T::from)
        .map_err(|e| PatunganError::invalid_argument(format!("{text:?} is not a UUID: {e}")))
}
