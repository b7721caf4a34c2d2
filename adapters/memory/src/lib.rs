//! # patungan-memory
//!
//! The embedded default of `patungan-engine`: an in-memory [`MemoryStore`] and
//! simulated providers (payment gateway, disburser, shipping, notifier, factory),
//! with seeded faults. The quickstart and the reference service run on it, and the
//! store conformance suite and the simulation (`patungan-testing`) drive it.
//!
//! ```
//! let engine = patungan_memory::engine(patungan_engine::EngineConfig::default());
//! # let _ = engine;
//! ```

pub mod disburser;
pub mod factory;
pub mod faults;
pub mod gateway;
pub mod notifier;
pub mod shipping;
mod store;

pub use disburser::{MemoryDisburser, SimPayout};
pub use factory::MemoryFactory;
pub use faults::{Fault, FaultConfig, FaultPlan};
pub use gateway::{InvoiceStatus, MemoryGateway, SimInvoice, SimRefund};
pub use notifier::MemoryNotifier;
pub use shipping::MemoryShipping;
pub use store::MemoryStore;

use std::sync::Arc;

use patungan_engine::{Engine, EngineConfig, Ports};

/// The simulated providers, each with its defaults (no faults).
pub fn ports() -> Ports {
    Ports {
        gateway: Arc::new(MemoryGateway::default()),
        disburser: Arc::new(MemoryDisburser::default()),
        shipping: Arc::new(MemoryShipping::default()),
        notifier: Arc::new(MemoryNotifier::default()),
        factory: Arc::new(MemoryFactory::default()),
    }
}

/// An engine over a fresh in-memory store and the simulated [`ports`].
pub fn engine(config: EngineConfig) -> Engine {
    Engine::new(Arc::new(MemoryStore::new()), ports(), config)
}
