//! In-memory adapters, all in one place: the store and the providers of the
//! embedded default, which the simulation and the conformance suite drive too.

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
