//! # patungan-core
//!
//! The pure, deterministic heart of Patungan, a group-buying engine:
//!
//! - pricing: [`Money`], [`TierLadder`] and its [`Preview`], the [`BotPolicy`] top-up,
//!   the [`CostBreakdown`] of a join;
//! - [`grosir`]: factory bundles, variant [`Availability`] and the
//!   [`WarehousePlan`];
//! - [`session`]: the sans-IO [`Session`] state machine (inputs in; events, effects and
//!   the next deadline out; event-sourced);
//! - [`ledger`]: the double-entry escrow [`Ledger`] with TigerBeetle semantics, the
//!   chart of accounts and the posting recipes of every money flow;
//! - [`wallet`]: wallets, the withdrawal state machine and batch planning;
//! - the operational books of fulfilment: [`stock`] (on hand, reserved and pledged
//!   units per variant), [`purchasing`] (purchase orders to the factory), [`orders`]
//!   (one per paid participant, through shipping), and [`steps`], which turns a
//!   session's effects into the typed steps a host carries out.
//!
//! Nothing here reads a clock, a random source, a network or a disk: time, ids
//! and entropy are inputs, so the same inputs give the same outputs on every
//! platform and in every language binding.
//!
//! ```
//! use patungan_core::{BotPolicy, Money, Moq, TierLadder};
//!
//! let ladder = TierLadder::with_default_thresholds(
//!     Money::idr(200_000),
//!     [Money::idr(150_000), Money::idr(135_000), Money::idr(120_000), Money::idr(105_000)],
//! )?;
//! let moq = Moq::new(100)?;
//! // Buyers of 10, 15 and 20 units: fill 45 % reaches the 25 % rung.
//! assert_eq!(ladder.final_price(moq, 45), Money::idr(150_000));
//! assert_eq!(ladder.cashback(moq, 45, 20)?, Money::idr(1_000_000));
//! // Near the end, the bot tops a weak session up to 25 % of the MOQ.
//! assert_eq!(BotPolicy::default().top_up(moq, 20, 0), 5);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod audit;
pub mod bot;
pub mod bp;
pub mod cost;
pub mod error_code;
pub mod factory_payouts;
pub mod grosir;
pub mod ids;
pub mod inbox;
pub mod ledger;
pub mod money;
pub mod moq;
pub mod notices;
pub mod orders;
pub mod payments;
pub mod purchasing;
pub mod quotes;
pub mod refunds;
pub mod seeded;
pub mod session;
pub mod shipments;
pub mod steps;
pub mod stock;
pub mod tasks;
pub mod text;
pub mod tier;
pub mod wallet;
#[cfg(feature = "schema")]
mod wallet_schema;

pub use bot::{BotPolicy, BotPolicyError};
pub use bp::BasisPoints;
pub use cost::{CostBreakdown, CostError, JoinCostInput};
pub use error_code::ErrorCode;
pub use grosir::{
    Availability, GrosirConfig, GrosirError, StockLevel, VariantBundle, WarehousePlan,
};
pub use ids::{
    AccountId, AnomalyId, OrderId, ParticipantId, PaymentId, ProductId, QuoteId, SessionId,
    TransferId, UserId, VariantId, WithdrawalId,
};
pub use ledger::{Chart, Ledger, LedgerError, Posting, Transfer};
pub use money::{Currency, Money, MoneyError, Rounding};
pub use moq::{Moq, MoqError};
pub use session::{
    Effect, Event, Input, JoinReceipt, JoinRequest, Session, SessionConfig, SessionError,
    SessionGrosir, SessionStatus,
};
pub use text::TextError;
pub use tier::{Preview, Rung, RungView, TierError, TierLadder};
pub use wallet::{
    WalletError, Wallets, WithdrawalPolicy, WithdrawalRequest, WithdrawalSchedule, Withdrawals,
};

/// The README's Rust example, compiled and run as a doc-test.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
