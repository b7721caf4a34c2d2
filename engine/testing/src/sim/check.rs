//! The invariants that hold at every instant, checked every few steps (and again at
//! rest): ledger, escrows, withdrawal holds, warehouse stock, replay, providers.

use std::collections::BTreeMap;

use patungan_core::factory_payouts::FactoryPayoutKey;
use patungan_core::ledger::{Chart, ChartAccount, PendingStatus};
use patungan_core::notices::PayoutEvent;
use patungan_core::session::{Session, SessionStatus};
use patungan_core::wallet::{PayoutItemKey, WithdrawalStatus, Withdrawals};
use patungan_core::{Currency, Ledger, Money, PaymentId, SessionId, UserId, VariantId};
use patungan_engine::ports::RefundState;
use patungan_engine::{PurchaseOrderRecord, StockRecord};
use patungan_memory::{InvoiceStatus, SimInvoice};

use super::driver::{Check, Sim};
use super::fulfilment::{order_units, UnitsByLine};

/// A ledger decimal as rupiah.
macro_rules! idr {
    ($amount:expr) => {
        Money::new($amount, Currency::IDR).map_err(|e| format!("amount: {e}"))?
    };
}

/// Everything the checks read, taken at one instant.
pub struct Books {
    /// The whole ledger, restored from the store and verified.
    pub ledger: Ledger,
    /// Every session as committed.
    pub sessions: Vec<(SessionId, Session)>,
    /// The withdrawal book.
    pub withdrawals: Withdrawals,
}

/// Adds `amount` to `total`.
pub fn add(total: &mut Money, amount: Money) -> Check {
    *total = total
        .checked_add(amount)
        .map_err(|e| format!("sum overflows: {e}"))?;
    Ok(())
}

/// Zero rupiah.
pub fn zero() -> Money {
    Money::zero(Currency::IDR)
}

impl Sim {
    /// Reads the books without faults.
    pub async fn books(&self) -> Check<Books> {
        let observer = &self.world.observer;
        let ledger = observer
            .ledger()
            .await
            .map_err(|e| format!("the ledger does not restore: {e}"))?;
        let mut sessions = Vec::new();
        for (id, _) in self.sessions().await? {
            sessions.push((id, self.view(id).await?));
        }
        let withdrawals = observer
            .withdrawals()
            .await
            .map_err(|e| format!("withdrawals: {e}"))?;
        Ok(Books {
            ledger,
            sessions,
            withdrawals,
        })
    }

    /// A committed row (no lock).
    pub async fn row<R: patungan_engine::store::Record>(&self, key: R::Key) -> Check<Option<R>> {
        self.world
            .store
            .read::<R>(key)
            .await
            .map_err(|e| format!("store: {e}"))
    }

    /// The invariants that hold at every instant.
    pub async fn check_running(&mut self) -> Check {
        let books = self.books().await?;
        self.check_books(&books).await
    }

    pub async fn check_books(&self, books: &Books) -> Check {
        check_ledger(&books.ledger)?;
        self.check_escrows(books)?;
        self.check_withdrawal_holds(books)?;
        self.check_stock(books, false).await?;
        self.check_replay(books).await?;
        self.check_gateway_refunds()?;
        self.check_payouts()?;
        Ok(())
    }

    /// Every session's escrow holds exactly the paid, unsettled money: the sum of
    /// paid participants' totals while open or awaiting stock, zero once terminal.
    fn check_escrows(&self, books: &Books) -> Check {
        let chart = self.world.observer.chart();
        for (id, session) in &books.sessions {
            let expected = match session.status() {
                SessionStatus::Open | SessionStatus::AwaitingStock => session
                    .state()
                    .escrow_total()
                    .map_err(|e| format!("escrow total: {e}"))?,
                _ => zero(),
            };
            let actual = match books.ledger.account(chart.escrow(*id)) {
                Some(account) => {
                    let b = account.balances();
                    if !b.credits_pending.is_zero() {
                        return Err(format!("escrow of {id} has pending credits"));
                    }
                    idr!(b.available())
                }
                None => zero(),
            };
            if actual != expected {
                return Err(format!(
                    "escrow of {id} ({}) holds {actual}, expected {expected}",
                    session.status()
                ));
            }
        }
        Ok(())
    }

    /// Every withdrawal's hold matches its status, and each wallet's held amount is
    /// the sum of its queued and in-batch withdrawals.
    fn check_withdrawal_holds(&self, books: &Books) -> Check {
        let chart = self.world.observer.chart();
        let mut held: BTreeMap<UserId, Money> = BTreeMap::new();
        for w in books.withdrawals.iter() {
            let status = w.status();
            for hold in Withdrawals::hold_ids(w.id()) {
                let record = books
                    .ledger
                    .transfer(hold)
                    .ok_or_else(|| format!("withdrawal {} has no hold {hold}", w.id()))?;
                let fits = matches!(
                    (status, record.pending),
                    (
                        WithdrawalStatus::Queued | WithdrawalStatus::InBatch,
                        Some(PendingStatus::Open)
                    ) | (
                        WithdrawalStatus::Completed | WithdrawalStatus::Reversed,
                        Some(PendingStatus::Posted { .. })
                    ) | (WithdrawalStatus::Failed, Some(PendingStatus::Voided { .. }))
                );
                if !fits {
                    return Err(format!(
                        "withdrawal {} is {status:?} but its hold is {:?}",
                        w.id(),
                        record.pending
                    ));
                }
            }
            if matches!(status, WithdrawalStatus::Queued | WithdrawalStatus::InBatch) {
                add(held.entry(w.user()).or_insert_with(zero), w.amount())?;
            }
        }
        for user in &self.setup.users {
            let expected = held.get(user).copied().unwrap_or_else(zero);
            let actual = match books.ledger.account(chart.wallet(*user)) {
                Some(a) => idr!(a.balances().debits_pending),
                None => zero(),
            };
            if actual != expected {
                return Err(format!(
                    "wallet of {user} holds {actual}, its open withdrawals {expected}"
                ));
            }
        }
        Ok(())
    }

    /// The warehouse never promises more units than it has: per product and
    /// variant, reserved ≤ on hand. At rest, on hand is what was added plus what
    /// purchase orders delivered, reserved is what confirmed sessions sold, and
    /// pledged is what the open purchase orders pledged.
    pub async fn check_stock(&self, books: &Books, at_rest: bool) -> Check {
        let mut factory_owed: BTreeMap<Currency, Money> = BTreeMap::new();
        let units = if at_rest {
            order_units(books, &self.orders(books).await?)?
        } else {
            UnitsByLine::new()
        };
        for product in &self.setup.products {
            let Some(grosir) = &product.grosir else {
                continue;
            };
            let stock = self
                .row::<StockRecord>(product.id)
                .await?
                .unwrap_or_else(|| StockRecord::new(product.id));
            let mut received: BTreeMap<VariantId, u64> = BTreeMap::new();
            let mut pledges: BTreeMap<VariantId, u64> = BTreeMap::new();
            if at_rest {
                for (id, session) in &books.sessions {
                    if session.state().config().product != product.id {
                        continue;
                    }
                    let order = self.row::<PurchaseOrderRecord>(*id).await?;
                    if let Some(order) = order {
                        for line in order.received() {
                            *received.entry(line.variant).or_insert(0) += line.units;
                            owe_factory(
                                &mut factory_owed,
                                order.purchase_order().unit_cost,
                                line.units,
                            )?;
                        }
                        if order.holds_pledge() {
                            for line in order.pledged() {
                                *pledges.entry(line.variant).or_insert(0) += line.units;
                            }
                        }
                    }
                }
            }
            for v in grosir.bundle.variants() {
                let key = v.variant;
                let line = stock.line(Some(key));
                let (on_hand, reserved) = (line.on_hand, line.reserved);
                if reserved > on_hand {
                    return Err(format!(
                        "warehouse oversold product {} variant {key}: {reserved} units reserved, {on_hand} on hand",
                        product.id
                    ));
                }
                if at_rest {
                    let added = self
                        .model
                        .stock_added
                        .get(&(product.id, v.variant))
                        .copied()
                        .unwrap_or(0);
                    let arrived = received.get(&key).copied().unwrap_or(0);
                    let orders = units
                        .get(&(product.id, Some(key)))
                        .copied()
                        .unwrap_or_default();
                    if on_hand + orders.gone != added + arrived {
                        return Err(format!(
                            "product {} variant {key}: {on_hand} on hand and {} shipped, but {added} were added and {arrived} received",
                            product.id, orders.gone
                        ));
                    }
                    if reserved != orders.unshipped {
                        return Err(format!(
                            "product {} variant {key}: {reserved} reserved, unshipped orders hold {}",
                            product.id, orders.unshipped
                        ));
                    }
                    let open = pledges.get(&key).copied().unwrap_or(0);
                    if line.pledged != open {
                        return Err(format!(
                            "product {} variant {key}: {} pledged, open purchase orders pledge {open}",
                            product.id, line.pledged
                        ));
                    }
                }
            }
        }
        if at_rest {
            let paid = self.factory_paid()?;
            check_factory_payable(&books.ledger, &factory_owed, &paid)?;
        }
        Ok(())
    }

    /// The event log (from the latest snapshot) replays to the committed state; the
    /// state round-trips through JSON; each replica's cached session agrees.
    async fn check_replay(&self, books: &Books) -> Check {
        for (id, session) in &books.sessions {
            let mut tx = self
                .world
                .store
                .begin()
                .await
                .map_err(|e| format!("store: {e}"))?;
            let load = tx
                .load_session(*id, None)
                .await
                .map_err(|e| format!("loading {id}: {e}"))?;
            drop(tx);
            let replayed = match load.snapshot {
                Some((_, mut snapshot)) => {
                    for event in &load.events {
                        snapshot
                            .apply(event)
                            .map_err(|e| format!("replaying {id}: {e}"))?;
                    }
                    snapshot
                }
                None => {
                    Session::replay(&load.events).map_err(|e| format!("replaying {id}: {e}"))?
                }
            };
            if replayed != *session {
                return Err(format!("session {id}: the log replays to another state"));
            }
            let json = serde_json::to_string(session).map_err(|e| format!("{id} to JSON: {e}"))?;
            let back: Session =
                serde_json::from_str(&json).map_err(|e| format!("{id} from JSON: {e}"))?;
            if back != *session {
                return Err(format!("session {id} does not round-trip through JSON"));
            }
            for (r, replica) in self.world.replicas.iter().enumerate() {
                if replica.faults.armed() || replica.faults.is_down() {
                    continue;
                }
                let cached = replica
                    .engine
                    .session(*id)
                    .await
                    .map_err(|e| format!("replica {r} reading {id}: {e}"))?;
                if cached.session != *session {
                    return Err(format!("replica {r} holds a different state of {id}"));
                }
            }
        }
        Ok(())
    }

    pub fn invoices(&self) -> BTreeMap<PaymentId, SimInvoice> {
        self.world
            .gateway
            .invoices()
            .into_iter()
            .map(|i| (i.request.payment_id, i))
            .collect()
    }

    /// No double refund: every refund of a payment out of escrow is of a paid
    /// invoice, for its full amount, and at most one refund per payment succeeds.
    /// (Refunds of anomalies out of suspense are checked at rest.)
    fn check_gateway_refunds(&self) -> Check {
        let invoices = self.invoices();
        let chart = self.world.observer.chart();
        let mut succeeded: BTreeMap<PaymentId, u32> = BTreeMap::new();
        for refund in self.world.gateway.refunds() {
            if !is_escrow_refund(chart, &refund.request) {
                continue;
            }
            let payment = refund.request.payment_id;
            let invoice = invoices
                .get(&payment)
                .filter(|i| i.status == InvoiceStatus::Paid)
                .ok_or_else(|| {
                    format!(
                        "refund {} of unpaid payment {payment}",
                        refund.request.reference
                    )
                })?;
            if refund.request.amount != invoice.request.amount {
                return Err(format!(
                    "refund {} of {payment} is {}, the payment was {}",
                    refund.request.reference, refund.request.amount, invoice.request.amount
                ));
            }
            if refund.state == RefundState::Succeeded {
                let n = succeeded.entry(payment).or_insert(0);
                *n += 1;
                if *n > 1 {
                    return Err(format!(
                        "double refund: payment {payment} refunded {n} times"
                    ));
                }
            }
        }
        Ok(())
    }

    /// What the disburser paid factories, per currency.
    fn factory_paid(&self) -> Check<BTreeMap<Currency, Money>> {
        let mut paid: BTreeMap<Currency, Money> = BTreeMap::new();
        for payout in self.world.disburser.payouts() {
            if is_factory_payout(&payout.item.external_id)
                && payout.outcome == Some(PayoutEvent::Completed)
            {
                let amount = payout.item.amount;
                let sum = paid
                    .entry(amount.currency())
                    .or_insert(Money::zero(amount.currency()));
                *sum = sum
                    .checked_add(amount)
                    .map_err(|e| format!("factory paid: {e}"))?;
            }
        }
        Ok(paid)
    }

    /// No withdrawal is paid out twice (by two attempts), nor any receipt's goods to
    /// the factory.
    fn check_payouts(&self) -> Check {
        let mut paid: BTreeMap<String, u32> = BTreeMap::new();
        for payout in self.world.disburser.payouts() {
            if let Ok(key) = payout.item.external_id.parse::<FactoryPayoutKey>() {
                // A reversed attempt gave its money back: the next may pay again.
                let kept = payout.outcome == Some(PayoutEvent::Completed);
                let n = paid.entry(key.payout_id()).or_insert(0);
                *n += u32::from(kept);
                if *n > 1 {
                    return Err(format!("factory payout {} paid twice", key.payout_id()));
                }
                continue;
            }
            let key: PayoutItemKey = payout
                .item
                .external_id
                .parse()
                .map_err(|e| format!("payout key: {e:?}"))?;
            if matches!(
                payout.outcome,
                Some(PayoutEvent::Completed | PayoutEvent::Reversed)
            ) {
                let n = paid.entry(key.withdrawal.to_string()).or_insert(0);
                *n += 1;
                if *n > 1 {
                    return Err(format!("withdrawal {} paid out twice", key.withdrawal));
                }
            }
        }
        Ok(())
    }
}

/// The ledger verifies (balances re-derived, limits, pending resolved once) and
/// Σ debits = Σ credits, pending and posted, in every currency.
fn check_ledger(ledger: &Ledger) -> Check {
    ledger
        .verify()
        .map_err(|e| format!("the ledger does not verify: {e}"))?;
    for (currency, b) in ledger.totals() {
        if b.debits_pending != b.credits_pending || b.debits_posted != b.credits_posted {
            return Err(format!("the {currency} ledger is unbalanced: {b:?}"));
        }
    }
    Ok(())
}

/// Whether a gateway refund gives back a payment out of its session's escrow (its
/// reference is one of the payment's refund attempts), not an anomaly's money.
pub fn is_escrow_refund(
    chart: &patungan_core::ledger::Chart,
    request: &patungan_engine::ports::RefundRequest,
) -> bool {
    (1..=8).any(|attempt| {
        chart
            .refund_transfer_id(request.payment_id, attempt)
            .to_string()
            == request.reference
    })
}

/// Adds the goods cost of `units` at `unit_cost` to what the factories are owed.
fn owe_factory(owed: &mut BTreeMap<Currency, Money>, unit_cost: Money, units: u64) -> Check {
    let cost = unit_cost
        .checked_mul_qty(units)
        .map_err(|e| format!("goods cost: {e}"))?;
    let total = owed
        .entry(cost.currency())
        .or_insert_with(|| Money::zero(cost.currency()));
    *total = total
        .checked_add(cost)
        .map_err(|e| format!("goods cost: {e}"))?;
    Ok(())
}

/// Whether a disburser payout pays a factory (not a withdrawal).
pub fn is_factory_payout(external_id: &str) -> bool {
    external_id.parse::<FactoryPayoutKey>().is_ok()
}

/// The factory payable holds exactly the goods cost of every unit received under a
/// purchase order less what the disburser paid factories, in each currency: every
/// receipt was booked once and every payout settled once.
fn check_factory_payable(
    ledger: &Ledger,
    received: &BTreeMap<Currency, Money>,
    paid: &BTreeMap<Currency, Money>,
) -> Check {
    let mut owed = BTreeMap::new();
    for (currency, goods) in received {
        let out = paid
            .get(currency)
            .copied()
            .unwrap_or(Money::zero(*currency));
        let left = goods
            .checked_sub(out)
            .map_err(|e| format!("factory owed: {e}"))?;
        owed.insert(*currency, left);
    }
    for (currency, out) in paid {
        if !received.contains_key(currency) && !out.is_zero() {
            return Err(format!("factories paid {out} for goods never received"));
        }
    }
    let owed = &owed;
    for account in ledger.accounts() {
        let currency = account.spec().currency;
        if account.id() != Chart::new(currency).id(ChartAccount::FactoryPayable) {
            continue;
        }
        let booked = account
            .available()
            .map_err(|e| format!("factory payable: {e}"))?;
        let expected = owed
            .get(&currency)
            .copied()
            .unwrap_or(Money::zero(currency));
        if booked != expected {
            return Err(format!(
                "factory payable {booked}, but the goods received under purchase orders cost {expected} (received {received:?}, paid {paid:?})"
            ));
        }
    }
    for (currency, expected) in owed {
        let id = Chart::new(*currency).id(ChartAccount::FactoryPayable);
        if ledger.account(id).is_none() && !expected.is_zero() {
            return Err(format!(
                "goods worth {expected} received, nothing owed to the factory"
            ));
        }
    }
    Ok(())
}
