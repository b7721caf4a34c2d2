//! # patungan-engine
//!
//! The async driver a Rust service links around `patungan-core`:
//!
//! - the ports it drives (the `patungan-ports` crate, re-exported as [`ports`] and
//!   [`store`]): the [`store`](store::Store), the payment
//!   [gateway](ports::PaymentGateway), the [disburser](ports::Disburser), the
//!   [shipping provider](ports::ShippingProvider), the notifier and the factory;
//! - the [`Engine`] (the `driver` module): session operations, notifications (deduplicated in an inbox),
//!   [`Engine::tick`] for deadlines and [`Engine::run_effects`], the effect runner;
//! - a transactional outbox: an operation's events, ledger postings, records and
//!   external effects commit in one store transaction, and effects are performed
//!   only after that commit, with idempotency keys;
//!
//! The adapters live in crates of their own: `patungan-memory` (the embedded
//! default: an in-memory store and simulated providers), `patungan-postgres`,
//! `patungan-xendit`, `patungan-biteship`; `patungan-testing` holds the store
//! conformance suite and the seeded simulation every store runs.

mod driver;
pub mod error;
mod ledger_ws;

pub use driver::{
    order_id, renewal_id, Engine, EngineConfig, Handled, InvoiceRecord, OrderRecord, Ports,
    PurchaseOrderRecord, PurchaseOrderStatus, RefundRecord, RefundStatus, RunReport, SessionView,
    StockRecord, TickReport, UserOrder,
};
pub use driver::{
    SessionFilter, SessionPage, SessionSummary, DEFAULT_SESSION_PAGE, MAX_SESSION_PAGE,
};
pub use error::EngineError;
/// The ports (the crate `patungan-ports`), as the engine names them.
pub use patungan_ports as ports;
/// The store port.
pub use patungan_ports::store;
