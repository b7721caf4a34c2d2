//! In-memory adapters: the embedded default, and the simulation's providers.

pub mod disburser;
pub mod faults;
pub mod gateway;
pub mod shipping;

pub use disburser::{MemoryDisburser, SimPayout};
pub use faults::{Fault, FaultConfig, FaultPlan};
pub use gateway::{InvoiceStatus, MemoryGateway, SimInvoice, SimRefund};
pub use shipping::MemoryShipping;
