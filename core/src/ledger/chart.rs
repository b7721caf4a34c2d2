//! The chart of accounts: the standard accounts of the §8 money flows, one set per
//! currency, with deterministic ids.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::account::{AccountKind, AccountSpec, BalanceLimit, Entity};
use super::derive::{derive_uuid, purpose};
use crate::ids::{AccountId, SessionId, UserId};
use crate::money::Currency;

/// Base of the ids of the platform-wide accounts ("patungan-chart" in ASCII).
const CHART_NAMESPACE: Uuid = Uuid::from_u128(0x7061_7475_6e67_616e_2d63_6861_7274_0000);

/// One account of the chart.
///
/// Serialised as a snake-case name (`"gateway_clearing"`) or, for per-session and
/// per-user accounts, an object (`{"session_escrow": "<uuid>"}`, `{"wallet": "<uuid>"}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChartAccount {
    /// Money arriving from (and refunded through) the payment gateway. External, no limit.
    GatewayClearing,
    /// Buyers' money for one session. Platform escrow, never overdrawn.
    SessionEscrow(SessionId),
    /// What the warehouse is owed (final price × quantity + leg 1). Never overdrawn.
    Warehouse,
    /// What couriers are owed (leg 2). External payable, never overdrawn.
    CourierPayable,
    /// Platform revenue from the gateway fee buyers pay. Never overdrawn.
    GatewayFeeRevenue,
    /// Platform revenue from withdrawal fees. Never overdrawn.
    WithdrawalFeeRevenue,
    /// Money paid out to users' bank accounts. External, no limit.
    BankPayouts,
    /// Platform money spent on admin wallet deposits. No limit.
    PlatformFunding,
    /// A user's wallet. Never overdrawn, holds included.
    Wallet(UserId),
    /// Money the gateway reported collected under a callback that did not match its
    /// invoice (a payment anomaly), held until it is refunded. Never overdrawn.
    Suspense,
    /// What factories are owed for goods received at the warehouse, until they are
    /// paid. External payable, never overdrawn.
    FactoryPayable,
    /// Money paid out to suppliers: factories for their goods, couriers for their
    /// shipments. External, no limit.
    SupplierPayouts,
}

impl ChartAccount {
    /// The purpose tag mixed into the account id.
    const fn tag(self) -> u32 {
        match self {
            ChartAccount::GatewayClearing => 0xA001,
            ChartAccount::SessionEscrow(_) => 0xA002,
            ChartAccount::Warehouse => 0xA003,
            ChartAccount::CourierPayable => 0xA004,
            ChartAccount::GatewayFeeRevenue => 0xA005,
            ChartAccount::WithdrawalFeeRevenue => 0xA006,
            ChartAccount::BankPayouts => 0xA007,
            ChartAccount::PlatformFunding => 0xA008,
            ChartAccount::Wallet(_) => 0xA009,
            ChartAccount::Suspense => 0xA00A,
            ChartAccount::FactoryPayable => 0xA00B,
            ChartAccount::SupplierPayouts => 0xA00C,
        }
    }

    /// The id the derivation starts from: the session, the user, or the chart namespace.
    fn base(self) -> Uuid {
        match self {
            ChartAccount::SessionEscrow(session) => *session.as_uuid(),
            ChartAccount::Wallet(user) => *user.as_uuid(),
            _ => CHART_NAMESPACE,
        }
    }
}

/// The chart of accounts for one currency.
///
/// Account ids are `derive_uuid(base, tag << 32 | currency)` where `base` is the session
/// (escrow), the user (wallet) or a fixed namespace (platform-wide accounts), and
/// `currency` is the ISO code's three ASCII bytes as a big-endian number. The same
/// session or user therefore always maps to the same account.
///
/// ```
/// use patungan_core::ledger::{Chart, ChartAccount, Entity, Ledger};
/// use patungan_core::{Currency, UserId};
/// let chart = Chart::new(Currency::IDR);
/// let user = UserId::from_u128(7);
/// let spec = chart.spec(ChartAccount::Wallet(user));
/// assert_eq!(spec.entity, Entity::User(user));
/// assert_eq!(spec.id, chart.id(ChartAccount::Wallet(user)));
/// let mut ledger = Ledger::new();
/// for spec in chart.platform_accounts() {
///     ledger.open(spec)?;
/// }
/// assert_eq!(ledger.accounts().len(), 10);
/// # Ok::<(), patungan_core::ledger::LedgerError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Chart {
    currency: Currency,
}

fn currency_number(currency: Currency) -> u32 {
    currency
        .code()
        .bytes()
        .fold(0u32, |n, b| (n << 8) | u32::from(b))
}

impl Chart {
    /// The chart for `currency`.
    pub const fn new(currency: Currency) -> Self {
        Chart { currency }
    }

    /// The currency of every account in this chart.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// The id of `account`.
    pub fn id(&self, account: ChartAccount) -> AccountId {
        AccountId::from_uuid(derive_uuid(
            account.base(),
            purpose(account.tag(), currency_number(self.currency)),
        ))
    }

    /// The full definition of `account` (entity, kind, limit, session).
    pub fn spec(&self, account: ChartAccount) -> AccountSpec {
        use AccountKind as K;
        use BalanceLimit::{DebitsMustNotExceedCredits as Guarded, None as Free};
        let (entity, kind, limit) = match account {
            ChartAccount::GatewayClearing => (Entity::External, K::Clearing, Free),
            ChartAccount::SessionEscrow(_) => (Entity::Platform, K::Escrow, Guarded),
            ChartAccount::Warehouse => (Entity::Warehouse, K::Payable, Guarded),
            ChartAccount::CourierPayable => (Entity::External, K::Payable, Guarded),
            ChartAccount::GatewayFeeRevenue => (Entity::Platform, K::Revenue, Guarded),
            ChartAccount::WithdrawalFeeRevenue => (Entity::Platform, K::Revenue, Guarded),
            ChartAccount::BankPayouts => (Entity::External, K::Bank, Free),
            ChartAccount::PlatformFunding => (Entity::Platform, K::Funding, Free),
            ChartAccount::Wallet(user) => (Entity::User(user), K::Wallet, Guarded),
            ChartAccount::Suspense => (Entity::Platform, K::Suspense, Guarded),
            ChartAccount::FactoryPayable => (Entity::External, K::Payable, Guarded),
            ChartAccount::SupplierPayouts => (Entity::External, K::Bank, Free),
        };
        let spec =
            AccountSpec::new(self.id(account), entity, kind, self.currency).with_limit(limit);
        match account {
            ChartAccount::SessionEscrow(session) => spec.for_session(session),
            _ => spec,
        }
    }

    /// The id of `session`'s escrow account.
    pub fn escrow(&self, session: SessionId) -> AccountId {
        self.id(ChartAccount::SessionEscrow(session))
    }

    /// The id of `user`'s wallet account.
    pub fn wallet(&self, user: UserId) -> AccountId {
        self.id(ChartAccount::Wallet(user))
    }

    /// The ten platform-wide accounts (everything but escrows and wallets).
    pub fn platform_accounts(&self) -> [AccountSpec; 10] {
        [
            ChartAccount::GatewayClearing,
            ChartAccount::Warehouse,
            ChartAccount::CourierPayable,
            ChartAccount::FactoryPayable,
            ChartAccount::GatewayFeeRevenue,
            ChartAccount::WithdrawalFeeRevenue,
            ChartAccount::BankPayouts,
            ChartAccount::PlatformFunding,
            ChartAccount::SupplierPayouts,
            ChartAccount::Suspense,
        ]
        .map(|a| self.spec(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_differ_per_account_session_user_and_currency() {
        let idr = Chart::new(Currency::IDR);
        let usd = Chart::new(Currency::USD);
        let mut ids = std::collections::HashSet::new();
        for chart in [idr, usd] {
            for spec in chart.platform_accounts() {
                assert!(ids.insert(spec.id));
            }
            for n in 0..3 {
                assert!(ids.insert(chart.escrow(SessionId::from_u128(n))));
                assert!(ids.insert(chart.wallet(UserId::from_u128(n))));
            }
        }
        assert_eq!(currency_number(Currency::IDR), 0x0049_4452);
    }
}
