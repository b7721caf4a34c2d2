//! The reconciliation report: balances per entity and account kind, escrow per session,
//! and the check that every terminal session's escrow is empty.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::account::{AccountKind, Balances, Entity};
use super::book::Ledger;
use crate::ids::{AccountId, SessionId};
use crate::money::Currency;

/// The summed balances of every account of one entity and kind in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BalanceLine {
    /// The owner.
    pub entity: Entity,
    /// The account kind.
    pub kind: AccountKind,
    /// The currency.
    pub currency: Currency,
    /// How many accounts were summed.
    pub accounts: u64,
    /// The summed four totals.
    pub balances: Balances,
    /// `credits_posted − debits_posted` (negative for accounts money left, e.g. clearing).
    pub net: Decimal,
}

/// Money in and out of one session's escrow account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SessionEscrow {
    /// The session.
    pub session: SessionId,
    /// Its escrow account.
    pub account: AccountId,
    /// The currency.
    pub currency: Currency,
    /// Posted in (payments).
    pub paid_in: Decimal,
    /// Posted out (splits, refunds).
    pub paid_out: Decimal,
    /// Held for outgoing pending transfers (refunds awaiting the gateway).
    pub pending_out: Decimal,
    /// Incoming pending transfers.
    pub pending_in: Decimal,
    /// `paid_in − paid_out`.
    pub balance: Decimal,
    /// Whether the caller said the session is in a terminal state.
    pub terminal: bool,
    /// Whether balance and both pending totals are zero.
    pub settled: bool,
}

/// Per-currency totals over the whole ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CurrencyTotals {
    /// The currency.
    pub currency: Currency,
    /// Summed four totals.
    pub balances: Balances,
    /// Whether Σ debits = Σ credits, pending and posted.
    pub balanced: bool,
}

/// What [`Ledger::reconcile`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReconciliationReport {
    /// Balances per (entity, kind, currency), sorted.
    pub lines: Vec<BalanceLine>,
    /// Totals per currency, sorted.
    pub currencies: Vec<CurrencyTotals>,
    /// Escrow per session, sorted by session then currency.
    pub sessions: Vec<SessionEscrow>,
    /// Terminal sessions whose escrow still holds money or pending transfers.
    pub unsettled_terminal_sessions: Vec<SessionId>,
}

impl ReconciliationReport {
    /// True when every currency balances and every terminal session's escrow is empty.
    pub fn is_clean(&self) -> bool {
        self.currencies.iter().all(|c| c.balanced) && self.unsettled_terminal_sessions.is_empty()
    }
}

fn add_into(total: &mut Balances, b: &Balances) {
    total.debits_pending = total.debits_pending.saturating_add(b.debits_pending);
    total.debits_posted = total.debits_posted.saturating_add(b.debits_posted);
    total.credits_pending = total.credits_pending.saturating_add(b.credits_pending);
    total.credits_posted = total.credits_posted.saturating_add(b.credits_posted);
}

impl Ledger {
    /// Builds the reconciliation report. `terminal_sessions` are the sessions the caller
    /// knows to be finished (confirmed, failed, cancelled): their escrow must be zero
    /// with nothing pending. A terminal session without an escrow account never held
    /// money and is not listed.
    ///
    /// ```
    /// use patungan_core::ledger::{Chart, Ledger, PaymentReceived};
    /// use patungan_core::{Currency, Money, PaymentId, SessionId};
    /// let chart = Chart::new(Currency::IDR);
    /// let mut ledger = Ledger::new();
    /// let session = SessionId::from_u128(1);
    /// ledger.execute(&chart.payment_received(&PaymentReceived {
    ///     payment: PaymentId::from_u128(2), session, amount: Money::idr(1_095_000),
    /// }))?;
    /// let report = ledger.reconcile(&[session]);
    /// assert_eq!(report.unsettled_terminal_sessions, vec![session]); // money still in escrow
    /// assert!(!report.is_clean());
    /// # Ok::<(), patungan_core::ledger::LedgerError>(())
    /// ```
    pub fn reconcile(&self, terminal_sessions: &[SessionId]) -> ReconciliationReport {
        let terminal: BTreeSet<SessionId> = terminal_sessions.iter().copied().collect();
        let mut groups: BTreeMap<(Entity, AccountKind, Currency), (u64, Balances)> =
            BTreeMap::new();
        let mut sessions = Vec::new();
        for account in self.accounts() {
            let b = account.balances();
            let group = groups
                .entry((account.entity(), account.kind(), account.currency()))
                .or_default();
            group.0 = group.0.saturating_add(1);
            add_into(&mut group.1, b);
            if let (AccountKind::Escrow, Some(session)) = (account.kind(), account.session()) {
                let balance = b.posted_net();
                sessions.push(SessionEscrow {
                    session,
                    account: account.id(),
                    currency: account.currency(),
                    paid_in: b.credits_posted,
                    paid_out: b.debits_posted,
                    pending_out: b.debits_pending,
                    pending_in: b.credits_pending,
                    balance,
                    terminal: terminal.contains(&session),
                    settled: balance.is_zero()
                        && b.debits_pending.is_zero()
                        && b.credits_pending.is_zero(),
                });
            }
        }
        sessions.sort_by_key(|s| (s.session, s.currency, s.account));
        let mut unsettled: Vec<SessionId> = sessions
            .iter()
            .filter(|s| s.terminal && !s.settled)
            .map(|s| s.session)
            .collect();
        unsettled.dedup();
        let lines = groups
            .into_iter()
            .map(
                |((entity, kind, currency), (accounts, balances))| BalanceLine {
                    entity,
                    kind,
                    currency,
                    accounts,
                    net: balances.posted_net(),
                    balances,
                },
            )
            .collect();
        let currencies = self
            .totals()
            .into_iter()
            .map(|(currency, balances)| CurrencyTotals {
                currency,
                balanced: balances.debits_pending == balances.credits_pending
                    && balances.debits_posted == balances.credits_posted,
                balances,
            })
            .collect();
        ReconciliationReport {
            lines,
            currencies,
            sessions,
            unsettled_terminal_sessions: unsettled,
        }
    }
}

fn entity_label(entity: &Entity) -> String {
    match entity {
        Entity::Platform => "platform".into(),
        Entity::Warehouse => "warehouse".into(),
        Entity::User(user) => format!("user {user}"),
        Entity::External => "external".into(),
    }
}

/// A plain-text table, for logs and the quickstart.
impl fmt::Display for ReconciliationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Balances by entity and kind (posted net = credits - debits):"
        )?;
        for line in &self.lines {
            writeln!(
                f,
                "  {:<48} {:<9} {} {:>16} (pending out {}, pending in {})",
                entity_label(&line.entity),
                format!("{:?}", line.kind).to_lowercase(),
                line.currency,
                line.net,
                line.balances.debits_pending,
                line.balances.credits_pending,
            )?;
        }
        for c in &self.currencies {
            writeln!(
                f,
                "Totals {}: debits {} = credits {}, pending {} = {}: {}",
                c.currency,
                c.balances.debits_posted,
                c.balances.credits_posted,
                c.balances.debits_pending,
                c.balances.credits_pending,
                if c.balanced {
                    "balanced"
                } else {
                    "NOT BALANCED"
                },
            )?;
        }
        writeln!(f, "Session escrow:")?;
        for s in &self.sessions {
            writeln!(
                f,
                "  {} {}: in {}, out {}, pending out {}, balance {}{}",
                s.session,
                s.currency,
                s.paid_in,
                s.paid_out,
                s.pending_out,
                s.balance,
                match (s.terminal, s.settled) {
                    (true, true) => " (terminal, settled)",
                    (true, false) => " (terminal, NOT SETTLED)",
                    (false, _) => "",
                },
            )?;
        }
        Ok(())
    }
}
