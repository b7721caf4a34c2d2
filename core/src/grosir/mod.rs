//! Grosir (factory bundle) configuration, variant availability and the warehouse plan (docs/domain.md §6, §7).
//!
//! A factory sells a product in bundles holding a fixed number of units of each
//! variant (e.g. 2 S + 5 M + 4 L + 1 XL). [`GrosirConfig::availability`] keeps a
//! session's orders producible without leaving any variant with more excess than
//! its tolerance; [`WarehousePlan::compute`] turns paid demand and stock on hand
//! into a purchase order at success. Per-variant lists (orders, demand, stock) are
//! plain `u64` slices in *config order*, the order the variants were configured in.

mod availability;
mod config;
mod error;
mod plan;

pub use availability::{Availability, Production, ProductionLine};
pub use config::{GrosirConfig, VariantBundle};
pub use error::GrosirError;
pub use plan::{PlanLine, PurchaseOrder, PurchaseOrderLine, StockLevel, WarehousePlan};
