//! Ids: UUID strings ↔ the core's id newtypes.

use uuid::Uuid;

use crate::errors::{invalid_arg, Result};

/// Parses a UUID string into a core id type.
pub fn id<T: From<Uuid>>(text: &str) -> Result<T> {
    Uuid::parse_str(text)
        .map(T::from)
        .map_err(|e| invalid_arg(format!("{text:?} is not a UUID: {e}")))
}

/// A core id as its UUID string.
pub fn string<T: Into<Uuid>>(id: T) -> String {
    id.into().to_string()
}
