//! Payments (docs/domain.md §8): the invoice of each join, the check of a gateway's paid
//! callback against it before anything is posted, and the anomalies — callbacks that
//! do not match — kept for an operator, their money held in suspense and refunded.

mod anomaly;
mod invoice;

pub use anomaly::{Anomaly, AnomalyStatus};
pub use invoice::{Invoice, Mismatch, PaidReport, Verdict};
