//! Request handlers, one module per area.

pub mod admin;
pub mod fulfilment;
pub mod health;
pub mod listing;
pub mod sessions;
pub mod simulator;
pub mod wallets;
pub mod warehouse;
pub mod webhooks;
