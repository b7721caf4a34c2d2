//! Ids: `uuid.UUID` ↔ the core's id newtypes (pyo3's `uuid` feature converts).

use uuid::Uuid;

/// Converts a `uuid.UUID` argument into a core id type.
pub fn id<T: From<Uuid>>(uuid: Uuid) -> T {
    T::from(uuid)
}
