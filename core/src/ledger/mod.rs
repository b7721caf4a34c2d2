//! The double-entry escrow ledger (docs/domain.md §8), with TigerBeetle semantics.
//!
//! - [`Ledger`]: accounts, transfers with idempotent caller-chosen ids, pending →
//!   post/void, linked batches that commit all-or-nothing, Σ debits = Σ credits always.
//! - [`Chart`]: the chart of accounts (gateway clearing, session escrow, warehouse,
//!   courier payable, factory payable, fee revenue, bank payouts, funding, wallets,
//!   suspense) with deterministic ids.
//! - Recipes ([`Chart::payment_received`], [`Chart::success_split`], …): the postings of
//!   the money flows of §8 as linked batches with deterministic transfer ids.
//! - [`ReconciliationReport`]: balances per entity and kind, escrow per session.

mod account;
mod book;
mod chart;
mod derive;
mod error;
mod factory;
pub(crate) mod hashing;
mod recipes;
mod reconcile;
mod supplier;
mod transfer;

pub use account::{Account, AccountKind, AccountSpec, BalanceLimit, Balances, Entity};
pub use book::Ledger;
pub use chart::{Chart, ChartAccount};
pub use derive::derive_uuid;
pub use error::LedgerError;
pub use factory::FactoryGoods;
pub use recipes::*;
pub use reconcile::*;
pub use supplier::OrderRefund;
pub use transfer::{
    Outcome, PendingStatus, Posting, Transfer, TransferCode, TransferOp, TransferRecord,
};
