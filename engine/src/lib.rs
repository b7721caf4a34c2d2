//! # patungan-engine
//!
//! The async driver a Rust service links around `patungan-core`: ports (traits)
//! for the store, the payment gateway, the disburser and the shipping provider;
//! a transactional outbox and an effect runner; in-memory adapters that are the
//! embedded default.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod memory;
pub mod notification;
pub mod ports;
pub mod retry;
mod seeded;
