//! Ledger accounts: who owns them, what they are for, and their four balances.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, SessionId, UserId};
use crate::money::{Currency, Money, MoneyError};

/// The party an account belongs to (docs/domain.md §1: platform, warehouse, users, outsiders).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    /// The platform: escrow, fee revenue, payables it owes, its funding.
    Platform,
    /// The warehouse, paid out of escrow when a session is fulfilled.
    Warehouse,
    /// A shopper (their wallet).
    User(UserId),
    /// Everyone outside the books: payment gateway, banks, couriers.
    External,
}

/// What an account is for; reconciliation groups balances by entity and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AccountKind {
    /// Money in transit with the payment gateway (payments in, refunds out).
    Clearing,
    /// Buyers' money held for one session until it succeeds or is refunded.
    Escrow,
    /// Money owed to someone (the warehouse, couriers).
    Payable,
    /// Fee income of the platform.
    Revenue,
    /// A shopper's stored balance.
    Wallet,
    /// Payouts to bank accounts (withdrawals).
    Bank,
    /// Platform money spent on wallet deposits (admin credits).
    Funding,
    /// Money collected under a payment anomaly, held until it is refunded.
    Suspense,
}

/// The balance rule an account enforces (TigerBeetle's account flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BalanceLimit {
    /// No rule: the account may run either way (external counterparties).
    #[default]
    None,
    /// `debits_pending + debits_posted ≤ credits_posted`: the account can never be
    /// overdrawn, and pending holds count against it (wallets, escrow, payables).
    DebitsMustNotExceedCredits,
    /// `credits_pending + credits_posted ≤ debits_posted`: the mirror rule.
    CreditsMustNotExceedDebits,
}

/// The four running totals of an account, never negative.
///
/// Pending amounts are reserved by pending transfers and move to the posted side (or
/// disappear) when the pending transfer is posted (or voided).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Balances {
    /// Sum of open pending transfers debiting the account.
    pub debits_pending: Decimal,
    /// Sum of posted transfers debiting the account.
    pub debits_posted: Decimal,
    /// Sum of open pending transfers crediting the account.
    pub credits_pending: Decimal,
    /// Sum of posted transfers crediting the account.
    pub credits_posted: Decimal,
}

impl Balances {
    /// `credits_posted − debits_posted`: the posted balance of a credit-normal account
    /// (negative when more went out than came in; saturates at the `Decimal` range).
    pub fn posted_net(&self) -> Decimal {
        self.credits_posted.saturating_sub(self.debits_posted)
    }

    /// `credits_posted − debits_posted − debits_pending`: what a credit-normal account
    /// can still spend.
    pub fn available(&self) -> Decimal {
        self.credits_posted
            .saturating_sub(self.debits_posted)
            .saturating_sub(self.debits_pending)
    }

    /// Whether these balances satisfy `limit`.
    pub fn satisfies(&self, limit: BalanceLimit) -> bool {
        match limit {
            BalanceLimit::None => true,
            BalanceLimit::DebitsMustNotExceedCredits => self
                .debits_pending
                .checked_add(self.debits_posted)
                .is_some_and(|d| d <= self.credits_posted),
            BalanceLimit::CreditsMustNotExceedDebits => self
                .credits_pending
                .checked_add(self.credits_posted)
                .is_some_and(|c| c <= self.debits_posted),
        }
    }

    /// Whether all four totals are zero.
    pub fn is_zero(&self) -> bool {
        self.debits_pending.is_zero()
            && self.debits_posted.is_zero()
            && self.credits_pending.is_zero()
            && self.credits_posted.is_zero()
    }
}

/// The definition of an account, chosen by the caller (its id included).
///
/// ```
/// use patungan_core::ledger::{AccountKind, AccountSpec, BalanceLimit, Entity};
/// use patungan_core::{AccountId, Currency, UserId};
/// let wallet = AccountSpec::new(
///     AccountId::from_u128(1),
///     Entity::User(UserId::from_u128(7)),
///     AccountKind::Wallet,
///     Currency::IDR,
/// )
/// .with_limit(BalanceLimit::DebitsMustNotExceedCredits);
/// assert_eq!(wallet.limit, BalanceLimit::DebitsMustNotExceedCredits);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AccountSpec {
    /// The account id (caller-chosen; the chart derives them deterministically).
    pub id: AccountId,
    /// Who the account belongs to.
    pub entity: Entity,
    /// What it is for.
    pub kind: AccountKind,
    /// The only currency it holds.
    pub currency: Currency,
    /// The balance rule it enforces.
    #[serde(default)]
    pub limit: BalanceLimit,
    /// The session an escrow account belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionId>,
}

impl AccountSpec {
    /// An account with no balance rule and no session.
    pub const fn new(id: AccountId, entity: Entity, kind: AccountKind, currency: Currency) -> Self {
        AccountSpec {
            id,
            entity,
            kind,
            currency,
            limit: BalanceLimit::None,
            session: None,
        }
    }

    /// The same account with balance rule `limit`.
    pub const fn with_limit(mut self, limit: BalanceLimit) -> Self {
        self.limit = limit;
        self
    }

    /// The same account tagged with `session`.
    pub const fn for_session(mut self, session: SessionId) -> Self {
        self.session = Some(session);
        self
    }
}

/// An open account: its definition and its balances. Only the ledger changes balances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Account {
    spec: AccountSpec,
    balances: Balances,
}

impl Account {
    pub(crate) const fn open(spec: AccountSpec) -> Self {
        Account {
            spec,
            balances: Balances {
                debits_pending: Decimal::ZERO,
                debits_posted: Decimal::ZERO,
                credits_pending: Decimal::ZERO,
                credits_posted: Decimal::ZERO,
            },
        }
    }

    /// An account as a store kept it: its definition and its balances. Only
    /// [`Ledger::restore`](super::Ledger::restore) and
    /// [`Ledger::working_set`](super::Ledger::working_set) should see such accounts.
    pub const fn from_parts(spec: AccountSpec, balances: Balances) -> Self {
        Account { spec, balances }
    }

    pub(crate) fn set_balances(&mut self, balances: Balances) {
        self.balances = balances;
    }

    /// The definition the account was opened with.
    pub const fn spec(&self) -> &AccountSpec {
        &self.spec
    }

    /// The account id.
    pub const fn id(&self) -> AccountId {
        self.spec.id
    }

    /// The owning entity.
    pub const fn entity(&self) -> Entity {
        self.spec.entity
    }

    /// The account kind.
    pub const fn kind(&self) -> AccountKind {
        self.spec.kind
    }

    /// The account currency.
    pub const fn currency(&self) -> Currency {
        self.spec.currency
    }

    /// The balance rule.
    pub const fn limit(&self) -> BalanceLimit {
        self.spec.limit
    }

    /// The session of an escrow account.
    pub const fn session(&self) -> Option<SessionId> {
        self.spec.session
    }

    /// The four running totals.
    pub const fn balances(&self) -> &Balances {
        &self.balances
    }

    /// What a credit-normal account can still spend, as money (an error only for an
    /// account without a balance rule that is overdrawn).
    pub fn available(&self) -> Result<Money, MoneyError> {
        Money::new(self.balances.available(), self.spec.currency)
    }
}
