//! Errors: connecting and migrating ([`ConnectError`]), and how database errors map
//! onto the store port's [`StoreError`].

use patungan_ports::store::StoreError;
use tokio_postgres::error::SqlState;

/// Why [`PostgresStore::connect`](crate::PostgresStore::connect) failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// The connection URL could not be parsed.
    #[error("invalid PostgreSQL URL: {0}")]
    InvalidUrl(String),
    /// The schema name is not a plain lower-case SQL identifier.
    #[error("invalid schema name {0:?}: use 1 to 63 of a-z, 0-9 and _, not starting with a digit or pg_")]
    InvalidSchema(String),
    /// The server could not be reached or refused the connection.
    #[error("PostgreSQL unavailable: {0}")]
    Unavailable(String),
    /// A migration failed (the schema is left at the last one that succeeded).
    #[error("migration {version} ({name}) failed: {reason}")]
    Migration {
        /// The migration's version.
        version: i32,
        /// Its name.
        name: &'static str,
        /// The server's error.
        reason: String,
    },
}

impl ConnectError {
    /// A stable machine-readable code, e.g. `"postgres.unavailable"`.
    pub fn code(&self) -> &'static str {
        match self {
            ConnectError::InvalidUrl(_) => "postgres.invalid_url",
            ConnectError::InvalidSchema(_) => "postgres.invalid_schema",
            ConnectError::Unavailable(_) => "postgres.unavailable",
            ConnectError::Migration { .. } => "postgres.migration",
        }
    }
}

impl From<ConnectError> for StoreError {
    fn from(error: ConnectError) -> Self {
        StoreError::Unavailable(error.to_string())
    }
}

/// Maps a driver error: lock conflicts, serialization failures, deadlocks and
/// unique violations are [`StoreError::Conflict`] (retry the operation); data that
/// breaks a constraint or cannot be decoded is [`StoreError::Corrupt`]; everything
/// else — the connection, the server — is [`StoreError::Unavailable`].
pub(crate) fn store_error(error: &tokio_postgres::Error) -> StoreError {
    let Some(db) = error.as_db_error() else {
        return StoreError::Unavailable(error.to_string());
    };
    let code = db.code();
    let detail = match db.constraint() {
        Some(constraint) => format!("{} ({constraint})", db.message()),
        None => db.message().to_owned(),
    };
    if *code == SqlState::T_R_SERIALIZATION_FAILURE
        || *code == SqlState::T_R_DEADLOCK_DETECTED
        || *code == SqlState::UNIQUE_VIOLATION
        || *code == SqlState::LOCK_NOT_AVAILABLE
    {
        return StoreError::Conflict { what: detail };
    }
    let class = code.code().get(..2).unwrap_or_default();
    match class {
        // Data exceptions, integrity constraints, "data corrupted".
        "22" | "23" | "XX" if *code != SqlState::INTERNAL_ERROR => StoreError::Corrupt(detail),
        _ => StoreError::Unavailable(format!("{} [{}]", detail, code.code())),
    }
}

/// A value that came back from the database and could not be decoded.
pub(crate) fn corrupt(what: impl std::fmt::Display, error: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {error}"))
}
