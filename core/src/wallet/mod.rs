//! Wallets, withdrawals and withdrawal batching (DESIGN §9).
//!
//! - [`Wallets`]: balances, credits with unique references, debits never below zero.
//! - [`Withdrawals`]: the withdrawal state machine (validation, hold, batch, completed /
//!   failed / re-queued, reversal) under a [`WithdrawalPolicy`].
//! - [`WithdrawalSchedule`] and [`plan_batches`]: when and how payouts are batched.

mod batch;
mod error;
mod policy;
mod schedule;
mod wallets;
mod withdrawal;
mod withdrawals;

pub use batch::{
    plan_batches, Batch, BatchItem, BatchKey, BatchLimits, KeyParseError, PayoutItemKey,
};
pub use error::{ScheduleError, WalletError};
pub use policy::WithdrawalPolicy;
pub use schedule::WithdrawalSchedule;
pub use wallets::{WalletBalance, Wallets};
pub use withdrawal::{
    BankAccount, PayoutAttempt, PayoutOutcome, Withdrawal, WithdrawalRequest, WithdrawalStatus,
};
pub use withdrawals::{PayoutEffect, PayoutResult, Withdrawals};
