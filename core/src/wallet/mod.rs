//! Wallets, withdrawals and withdrawal batching (docs/domain.md §9).
//!
//! - [`Wallets`]: balances, credits with unique references, debits never below zero.
//! - [`Withdrawals`]: the withdrawal state machine (validation, hold, batch, completed /
//!   failed / re-queued, reversal) under a [`WithdrawalPolicy`], and the recovery of
//!   payouts the gateway will not report on (a batch rejected as a whole, silent items).
//! - [`WithdrawalSchedule`] and [`plan_batches`]: when and how payouts are batched.
//!
//! The whole money path, from a buyer's payment to a bank payout:
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use patungan_core::ledger::{Chart, Ledger, PaymentReceived, SuccessSplit};
//! use patungan_core::wallet::{
//!     BankAccount, BatchLimits, PayoutOutcome, PayoutResult, Wallets, WithdrawalPolicy,
//!     WithdrawalRequest, WithdrawalSchedule, Withdrawals,
//! };
//! use patungan_core::{cost::DEFAULT_GATEWAY_FEE, CostBreakdown, Currency, JoinCostInput, Money, Moq};
//! use patungan_core::{ParticipantId, PaymentId, SessionId, UserId, WithdrawalId};
//!
//! let chart = Chart::new(Currency::IDR);
//! let mut ledger = Ledger::new();
//! let (session, user) = (SessionId::from_u128(1), UserId::from_u128(2));
//!
//! // A buyer pays 1 095 000 into session escrow; the session ends at 90 000 a unit.
//! let cost = CostBreakdown::for_join(&JoinCostInput {
//!     quantity: 10,
//!     group_price: Money::idr(100_000),
//!     moq: Moq::new(100)?,
//!     bulk_shipping_cost: Money::idr(500_000),
//!     courier_price: Money::idr(15_000),
//!     gateway_fee_rate: DEFAULT_GATEWAY_FEE,
//! })?;
//! ledger.execute(&chart.payment_received(&PaymentReceived {
//!     payment: PaymentId::from_u128(3),
//!     session,
//!     amount: cost.total,
//! }))?;
//! let split = SuccessSplit::from_cost(ParticipantId::from_u128(4), session, user, &cost, Money::idr(90_000))?;
//! ledger.execute(&chart.success_split(&split))?; // cashback 100 000 credited to the wallet
//! let wallets = Wallets::new(chart);
//! assert_eq!(wallets.balance(&ledger, user)?.available, Money::idr(100_000));
//!
//! // The buyer withdraws it on Monday; the amount is held at once.
//! let mut withdrawals = Withdrawals::new(chart, WithdrawalPolicy::default())?;
//! withdrawals.request(&mut ledger, WithdrawalRequest {
//!     id: WithdrawalId::from_u128(5),
//!     user,
//!     amount: Money::idr(100_000),
//!     destination: BankAccount {
//!         bank_code: "BCA".into(),
//!         account_number: "1234567890".into(),
//!         holder_name: "Siti Aminah".into(),
//!     },
//!     requested_at: Utc.with_ymd_and_hms(2025, 1, 6, 8, 0, 0).unwrap(),
//! })?;
//!
//! // Tuesday 10:00 WIB (03:00 UTC): the batch run, then the gateway's results.
//! let tuesday = Utc.with_ymd_and_hms(2025, 1, 7, 3, 0, 0).unwrap();
//! let batches = withdrawals.plan(tuesday, &WithdrawalSchedule::default(), BatchLimits::default());
//! for item in &batches[0].items {
//!     println!("{} pays {} to {}", batches[0].key, item.net, item.destination.account_number);
//!     let result = PayoutResult { item: item.key, outcome: PayoutOutcome::Completed };
//!     withdrawals.apply_result(&mut ledger, &result)?;
//! }
//! assert_eq!(wallets.balance(&ledger, user)?.posted, Money::idr(0));
//!
//! // Reconciliation: everything balances and the finished session's escrow is empty.
//! let report = ledger.reconcile(&[session]);
//! println!("{report}");
//! assert!(report.is_clean());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

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
    BankAccount, PayoutAttempt, PayoutOutcome, Withdrawal, WithdrawalParts, WithdrawalRequest,
    WithdrawalStatus,
};
pub use withdrawals::{
    PayoutEffect, PayoutResult, PayoutStatus, SilentPayout, Withdrawals, DEFAULT_PAYOUT_SILENCE,
    PAYOUT_NOT_FOUND,
};
