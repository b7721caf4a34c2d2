//! # patungan-postgres
//!
//! A PostgreSQL [`Store`](patungan_ports::store::Store) for `patungan-engine`:
//! sessions and their event logs, the ledger, typed rows (invoices, refunds,
//! anomalies, withdrawals, orders, purchase orders, stock, notifications), the
//! transactional outbox and the webhook inbox, all in one schema and written in one transaction
//! per engine operation.
//!
//! ```no_run
//! use std::sync::Arc;
//! use patungan_engine::{Engine, EngineConfig, Ports};
//! use patungan_postgres::PostgresStore;
//!
//! # async fn run(ports: Ports) -> Result<(), Box<dyn std::error::Error>> {
//! let url = std::env::var("DATABASE_URL")?;
//! let store = PostgresStore::connect(&url).await?; // runs the embedded migrations
//! let engine = Engine::new(Arc::new(store), ports, EngineConfig::default());
//! # let _ = engine;
//! # Ok(())
//! # }
//! ```
//!
//! ## Schema
//!
//! The embedded migrations ([`MIGRATIONS`], run by [`PostgresStore::connect`]) create
//! `sessions` (head row: version, status, next deadline), `session_events` (one jsonb
//! event per `(session_id, seq)`), `session_snapshots` (the latest snapshot of a
//! session and its version), `accounts` (the account definition and its four
//! balances as `NUMERIC`), `transfers` (every column of a transfer record, amounts as
//! `NUMERIC` next to a currency column, in commit order by an identity column),
//! `outbox` and `inbox`, and a table per kind of typed row, one column per field
//! with the indexes reads need (by status, session, user): `invoices`, `refunds`,
//! `anomalies`, `withdrawals` (payout attempts as parallel arrays),
//! `payout_schedules`, `orders`, `purchase_orders`, `stocks` (a head row per product,
//! the one writers lock) with `stock_lines` (one per variant) and `notifications`
//! (the payload is an event, kept as jsonb). Instants are `timestamptz` (stored
//! deadlines are rounded up to the microsecond, so a timer never fires early), ids
//! `uuid`. Reads that change nothing ([`Store::read_row`](patungan_ports::store::Store::read_row))
//! take no row lock; `FOR UPDATE` is for a transaction's own reads.
//!
//! Snapshots are the one thing not written in the operation's transaction: a
//! committed transaction hands them to a background writer, which stores the newest
//! one per session outside the session's row lock (a hot session's snapshot is
//! megabytes; writing it under the lock would stall every join behind it). It keeps
//! a snapshot when the session's version has at least doubled since the last one it
//! kept, or at the session's first terminal state, so the snapshots of a growing
//! session cost linear, not quadratic, time and a cold load replays at most half of
//! the log. A snapshot that is not stored only makes a cold load replay more events;
//! [`PostgresStore::flush_snapshots`] waits for the writer.
//!
//! ## Concurrency: row locks
//!
//! Every engine operation on a session starts with `SELECT … FOR UPDATE` on the
//! session's head row ([`StoreTx::lock_session`](patungan_ports::store::StoreTx::lock_session)).
//! Operations on one hot session — joins from many connections, service replicas
//! or engine instances, payment webhooks — therefore run one after the other: the
//! next one sees the committed head and the events it is missing, so a variant is
//! never oversold and a payment is never counted twice. Pessimistic locking was
//! chosen over optimistic versioning with retries because a hot session is
//! contended by design (docs/domain.md §13): under optimistic versioning most of 32
//! concurrent joins would fail and retry, while a queue on the row lock wastes no
//! work. `save_session` still checks the expected version and fails with
//! `StoreError::Conflict` if the head moved. A store that saw another
//! writer move a session's head last time sends the query for the events it missed
//! right behind the lock, so replicas taking turns on a hot session need no extra
//! round trip under the lock.
//!
//! Ledger working sets lock their accounts with `FOR UPDATE` in ascending id order
//! (so two postings can never deadlock) and the transfer records they resolve. An
//! account or row that did not exist when read is written with a plain `INSERT`,
//! so two transactions that both saw it missing cannot both win (the second gets a
//! `Conflict`); the inbox deduplicates with `INSERT … ON CONFLICT DO NOTHING`.
//! Transactions run at READ COMMITTED: everything shared is read under a row lock.
//!
//! ## Why tokio-postgres
//!
//! The driver is `tokio-postgres` rather than `sqlx` for one reason: pipelining.
//! A transaction here sends its writes only when it next reads or commits, and then
//! sends them all at once together with that read or with `COMMIT`. Statements are
//! prepared once per connection, and the session head and events and the outbox
//! entries of one flush go out as a single statement. A join on a hot
//! session thus holds the session's row lock for two round trips (`BEGIN` + lock,
//! then writes + `COMMIT`) instead of one per statement, which is what bounds
//! hot-session throughput. Statements that must check their own effect do it in SQL
//! (`patungan_expect`), so a failed check aborts the transaction before its
//! pipelined `COMMIT` can apply anything. Migrations are a few embedded SQL files
//! applied under an advisory lock.
//!
//! ## Testing
//!
//! The `testing` feature (for dev-dependencies) adds `patungan_postgres::testing`:
//! the PostgreSQL backend of the engine's store conformance suite and seeded
//! simulation (`patungan_testing`), a fresh schema per test.

mod codec;
mod error;
mod heads;
mod migrate;
mod options;
mod pipeline;
mod pool;
mod rows;
mod snapshots;
mod statements;
mod store;
#[cfg(feature = "testing")]
pub mod testing;
mod tx;

pub use error::ConnectError;
pub use migrate::{Migration, MIGRATIONS};
pub use options::PostgresOptions;
pub use store::PostgresStore;
