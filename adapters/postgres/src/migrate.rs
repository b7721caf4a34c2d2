//! Embedded schema migrations, applied in order under an advisory lock.

use tokio_postgres::Client;
use tracing::{info, warn};

use crate::error::ConnectError;

/// One schema change, embedded in the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    /// Applied in ascending order; recorded in `patungan_migrations`.
    pub version: i32,
    /// A short name.
    pub name: &'static str,
    /// The SQL (several statements).
    pub sql: &'static str,
}

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("../migrations/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "typed_rows",
        sql: include_str!("../migrations/0002_typed_rows.sql"),
    },
    Migration {
        version: 3,
        name: "fulfilment_rows",
        sql: include_str!("../migrations/0003_fulfilment_rows.sql"),
    },
    Migration {
        version: 4,
        name: "inbox",
        sql: include_str!("../migrations/0004_inbox.sql"),
    },
    Migration {
        version: 5,
        name: "quotes",
        sql: include_str!("../migrations/0005_quotes.sql"),
    },
    Migration {
        version: 6,
        name: "shipments",
        sql: include_str!("../migrations/0006_shipments.sql"),
    },
    Migration {
        version: 7,
        name: "factory_payouts",
        sql: include_str!("../migrations/0007_factory_payouts.sql"),
    },
    Migration {
        version: 8,
        name: "purchase_order_approval",
        sql: include_str!("../migrations/0008_purchase_order_approval.sql"),
    },
    Migration {
        version: 9,
        name: "parked_shipment_reports",
        sql: include_str!("../migrations/0009_parked_shipment_reports.sql"),
    },
    Migration {
        version: 10,
        name: "factory_payouts_by_status",
        sql: include_str!("../migrations/0010_factory_payouts_by_status.sql"),
    },
];

/// Serialises migrators of one database (any schema): `hashtext('patungan.migrate')`
/// would do too, but a constant needs no round trip to compute.
const LOCK_KEY: i64 = 0x7061_7475_6e67_616e; // "patungan"

fn failed(migration: &Migration, e: &tokio_postgres::Error) -> ConnectError {
    ConnectError::Migration {
        version: migration.version,
        name: migration.name,
        reason: match e.as_db_error() {
            Some(db) => format!("{} [{}]", db.message(), db.code().code()),
            None => e.to_string(),
        },
    }
}

fn unavailable(e: &tokio_postgres::Error) -> ConnectError {
    ConnectError::Unavailable(e.to_string())
}

/// Creates `schema` if given, then applies every migration the database lacks, each
/// in its own transaction. Safe to run concurrently from several processes.
pub(crate) async fn run(client: &Client, schema: Option<&str>) -> Result<(), ConnectError> {
    // Everything below runs under the lock: even `CREATE … IF NOT EXISTS` fails when
    // two sessions create the same object at once.
    client
        .batch_execute(&format!("SELECT pg_advisory_lock({LOCK_KEY})"))
        .await
        .map_err(|e| unavailable(&e))?;
    let applied = prepare(client, schema).await;
    let applied = match applied {
        Ok(()) => apply(client).await,
        Err(e) => Err(e),
    };
    let unlocked = client
        .batch_execute(&format!("SELECT pg_advisory_unlock({LOCK_KEY})"))
        .await
        .map_err(|e| unavailable(&e));
    applied.and(unlocked)
}

/// Creates the schema (the name was checked to be a plain identifier) and the
/// migrations table.
async fn prepare(client: &Client, schema: Option<&str>) -> Result<(), ConnectError> {
    if let Some(schema) = schema {
        client
            .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
            .await
            .map_err(|e| unavailable(&e))?;
    }
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS patungan_migrations ( \
                 version integer PRIMARY KEY, \
                 name text NOT NULL, \
                 applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .await
        .map_err(|e| unavailable(&e))
}

async fn apply(client: &Client) -> Result<(), ConnectError> {
    let rows = client
        .query(
            "SELECT version FROM patungan_migrations ORDER BY version",
            &[],
        )
        .await
        .map_err(|e| unavailable(&e))?;
    let mut done = Vec::with_capacity(rows.len());
    for row in &rows {
        done.push(row.try_get::<_, i32>(0).map_err(|e| unavailable(&e))?);
    }
    for migration in MIGRATIONS {
        if done.contains(&migration.version) {
            continue;
        }
        let sql = format!(
            "BEGIN; {} ; INSERT INTO patungan_migrations (version, name) VALUES ({}, '{}'); COMMIT;",
            migration.sql, migration.version, migration.name
        );
        if let Err(e) = client.batch_execute(&sql).await {
            // A failed statement leaves the transaction open and aborted.
            let _ = client.batch_execute("ROLLBACK").await;
            return Err(failed(migration, &e));
        }
        info!(
            version = migration.version,
            name = migration.name,
            "applied migration"
        );
    }
    let known: Vec<i32> = MIGRATIONS.iter().map(|m| m.version).collect();
    for version in done.iter().filter(|v| !known.contains(v)) {
        warn!(
            version,
            "the database has a migration this build does not know"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_in_ascending_order_with_plain_names() {
        assert!(MIGRATIONS.windows(2).all(|w| w[0].version < w[1].version));
        for m in MIGRATIONS {
            assert!(m.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
            assert!(!m.sql.contains("BEGIN;") && !m.sql.contains("COMMIT;"));
        }
    }
}
