//! # patungan-engine
//!
//! The async driver a Rust service links around `patungan-core`:
//!
//! - ports (traits) for the [`store`](store::Store), the payment
//!   [gateway](ports::PaymentGateway), the [disburser](ports::Disburser) and the
//!   [shipping provider](ports::ShippingProvider);
//! - the [`Engine`] (the `driver` module): session operations, notifications (deduplicated in an inbox),
//!   [`Engine::tick`] for deadlines and [`Engine::run_effects`], the effect runner;
//! - a transactional outbox: an operation's events, ledger postings, records and
//!   external effects commit in one store transaction, and effects are performed
//!   only after that commit, with idempotency keys;
//! - in-memory adapters, all in [`memory`] (the [`MemoryStore`](memory::MemoryStore)
//!   and the simulated providers), that are the embedded default;
//! - with the `testing` feature, the `testing` module: the store conformance suite and the
//!   seeded simulation, generic over the store, for backends' tests.

mod driver;
pub mod error;
mod ledger_ws;
pub mod memory;
pub mod notification;
pub mod ports;
pub mod retry;
mod seeded;
pub mod store;
pub mod task;
#[cfg(feature = "testing")]
pub mod testing;

pub use driver::{
    order_id, renewal_id, Engine, EngineConfig, Handled, InvoiceRecord, OrderRecord, Ports,
    PurchaseOrderRecord, PurchaseOrderStatus, RefundRecord, RefundStatus, RunReport, SessionView,
    StockRecord, TickReport, UserOrder,
};
pub use driver::{
    SessionFilter, SessionPage, SessionSummary, DEFAULT_SESSION_PAGE, MAX_SESSION_PAGE,
};
pub use error::EngineError;
