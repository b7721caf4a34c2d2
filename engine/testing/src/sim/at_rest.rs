//! The full invariants, once the world is at rest: every payment accounted for
//! exactly once, cashback and wallets, the providers' totals against the ledger,
//! settlement arithmetic and renewals.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use patungan_core::ledger::{ChartAccount, RefundDestination, TransferCode};
use patungan_core::notices::PayoutEvent;
use patungan_core::session::{ParticipantStatus, Session, SessionStatus, Settlement};
use patungan_core::wallet::WithdrawalStatus;
use patungan_core::{AccountId, Currency, Money, PaymentId, SessionId, UserId};
use patungan_engine::order_id;
use patungan_engine::ports::RefundState;
use patungan_engine::{OrderRecord, RefundRecord, RefundStatus};
use patungan_memory::InvoiceStatus;

use super::check::{add, zero, Books};
use super::driver::{Check, Sim};

/// A ledger decimal as rupiah.
macro_rules! idr {
    ($amount:expr) => {
        Money::new($amount, Currency::IDR).map_err(|e| format!("amount: {e}"))?
    };
}

impl Sim {
    /// Everything, once the world is at rest.
    pub async fn check_final(&mut self) -> Check {
        let books = self.books().await?;
        self.check_books(&books).await?;
        self.check_stock(&books, true).await?;
        let report = self
            .world
            .observer
            .reconcile(self.now)
            .await
            .map_err(|e| format!("reconcile: {e}"))?;
        if !report.is_clean() {
            return Err(format!("reconciliation is not clean: {report}"));
        }
        if !self.outbox_idle().await? {
            return Err("effects are still waiting in the outbox".to_owned());
        }
        check_settlements(&books)?;
        let (cashback, mut wallet_refunds) = self.check_participants(&books).await?;
        let orders = self.orders(&books).await?;
        for (user, credited) in self.check_orders(&books, &orders)? {
            add(wallet_refunds.entry(user).or_insert_with(zero), credited)?;
        }
        self.check_cashback_transfers(&books, &cashback)?;
        self.check_wallets(&books, &cashback, &wallet_refunds)?;
        self.check_provider_totals(&books)?;
        self.check_anomalies().await?;
        self.check_inboxes(&books).await?;
        self.count_outcomes(&books);
        Ok(())
    }

    /// Every inbox entry was delivered and is its owner's; each user who joined a
    /// session and did not leave is told its ending once.
    async fn check_inboxes(&self, books: &Books) -> Check {
        for user in &self.setup.users {
            let inbox = self
                .world
                .observer
                .inbox(*user)
                .await
                .map_err(|e| format!("inbox: {e}"))?;
            if let Some(e) = inbox
                .iter()
                .find(|e| e.delivered_at.is_none() || e.user != *user)
            {
                return Err(format!(
                    "inbox entry {} of {user} undelivered or misfiled",
                    e.id
                ));
            }
            for (id, session) in &books.sessions {
                let ending = match session.status() {
                    SessionStatus::Confirmed => "session_confirmed",
                    SessionStatus::Failed => "session_failed",
                    SessionStatus::Cancelled => "session_cancelled",
                    _ => continue,
                };
                let told = session.state().participants().iter().any(|p| {
                    p.user == *user && p.status != patungan_core::session::ParticipantStatus::Left
                });
                let entries = inbox
                    .iter()
                    .filter(|e| e.session == *id && e.notification.kind() == ending)
                    .count();
                if entries != usize::from(told) {
                    return Err(format!(
                        "{user} has {entries} {ending} entries for session {id}"
                    ));
                }
            }
        }
        Ok(())
    }

    fn count_outcomes(&mut self, books: &Books) {
        for (_, session) in &books.sessions {
            let state = session.state();
            match session.status() {
                SessionStatus::Confirmed => self.stats.outcomes.0 += 1,
                SessionStatus::Failed => self.stats.outcomes.1 += 1,
                SessionStatus::Cancelled => self.stats.outcomes.2 += 1,
                _ => {}
            }
            if let Some(Settlement::Succeeded(s)) = state.settlement() {
                if s.bot_quantity > 0 {
                    self.stats.saw("succeeded with a bot top-up");
                }
                match (&s.plan, session.status()) {
                    (Some(p), SessionStatus::Confirmed) if p.needs_purchase() => {
                        self.stats.saw("confirmed after its purchase order")
                    }
                    (Some(_), SessionStatus::Confirmed) => {
                        self.stats.saw("confirmed from stock on hand")
                    }
                    (_, SessionStatus::Cancelled) => self.stats.saw("cancelled awaiting stock"),
                    _ => {}
                }
            }
            if state.renewal().is_some() {
                self.stats.saw("renewed");
            }
            for p in state.participants() {
                match (p.status, p.refund) {
                    (_, Some(patungan_core::session::RefundReason::LatePayment)) => {
                        self.stats.saw("late payment refunded")
                    }
                    (ParticipantStatus::Left, Some(_)) => self.stats.saw("paid participant left"),
                    (ParticipantStatus::Left, None) => self.stats.saw("pending participant left"),
                    (ParticipantStatus::PaymentExpired, _) => self.stats.saw("payment expired"),
                    (ParticipantStatus::PaymentFailed, _) => self.stats.saw("payment failed"),
                    _ => {}
                }
            }
        }
        let (asked, created) = self.world.gateway.expired_before_created();
        for _ in 0..asked {
            self.stats
                .saw("invoice expiry asked before the invoice existed");
        }
        for _ in 0..created {
            self.stats
                .saw("invoice created after its expiry failed (left payable)");
        }
        for w in books.withdrawals.iter() {
            if w.attempts().len() > 1 {
                self.stats.saw("withdrawal re-queued");
            }
        }
    }

    /// Every payment is accounted for exactly once: paid at the gateway ⇔ paid in
    /// the session; a paid participant is either in a confirmed session's orders or
    /// refunded (once), never both; orders exist exactly for confirmed paid
    /// participants with the right cashback. Returns the cashback and wallet refunds
    /// owed per user.
    async fn check_participants(
        &self,
        books: &Books,
    ) -> Check<(BTreeMap<UserId, (u32, Money)>, BTreeMap<UserId, Money>)> {
        let chart = *self.world.observer.chart();
        let invoices = self.invoices();
        let mut gateway_refunds: BTreeMap<PaymentId, u32> = BTreeMap::new();
        for refund in self.world.gateway.refunds() {
            // Refunds of anomalies (money held in suspense) are checked on their own.
            let of_escrow = (1..=8).any(|attempt| {
                chart
                    .refund_transfer_id(refund.request.payment_id, attempt)
                    .to_string()
                    == refund.request.reference
            });
            if refund.state == RefundState::Succeeded && of_escrow {
                *gateway_refunds
                    .entry(refund.request.payment_id)
                    .or_insert(0) += 1;
            }
        }
        let destination = self.setup.config.refund_destination;
        let mut cashback: BTreeMap<UserId, (u32, Money)> = BTreeMap::new();
        let mut wallet_refunds: BTreeMap<UserId, Money> = BTreeMap::new();
        for (id, session) in &books.sessions {
            let status = session.status();
            if status == SessionStatus::AwaitingStock
                || (status == SessionStatus::Open && !session.state().participants().is_empty())
            {
                return Err(format!("session {id} is still {status} at rest"));
            }
            let success = match session.state().settlement() {
                Some(Settlement::Succeeded(s)) => Some(s),
                _ => None,
            };
            if let (SessionStatus::Confirmed, Some(s)) = (status, success) {
                if let (Some(plan), Some(bundle)) = (&s.plan, session.state().config().bundle()) {
                    let paid = session.state().paid_units_by_variant();
                    for (i, line) in plan.lines.iter().enumerate() {
                        if paid.get(i) != Some(&line.demand)
                            || line.demand > line.stock_used + line.to_receive
                        {
                            return Err(format!(
                                "session {id}: variant {} sold {:?} units, plan {line:?} ({} variants)",
                                line.variant,
                                paid.get(i),
                                bundle.len()
                            ));
                        }
                    }
                }
            }
            for p in session.state().participants() {
                let who = format!("participant {} of {id} ({})", p.id, p.status);
                let gateway_paid = invoices
                    .get(&p.payment)
                    .is_some_and(|i| i.status == InvoiceStatus::Paid);
                let paid = p.paid_at.is_some();
                if gateway_paid != paid {
                    return Err(format!(
                        "{who}: paid at the gateway {gateway_paid}, in the session {paid}"
                    ));
                }
                let owed = p.refund.is_some();
                let ordered =
                    status == SessionStatus::Confirmed && p.status == ParticipantStatus::Paid;
                if (paid && owed == ordered) || (!paid && (owed || ordered)) {
                    return Err(format!(
                        "{who}: paid {paid}, refund owed {owed}, in an order {ordered}"
                    ));
                }
                let refunds = match destination {
                    RefundDestination::OriginalMethod => {
                        gateway_refunds.get(&p.payment).copied().unwrap_or(0)
                    }
                    RefundDestination::Wallet => {
                        let mut n = 0;
                        for attempt in 1..=6 {
                            if let Some(t) = books
                                .ledger
                                .transfer(chart.refund_transfer_id(p.payment, attempt))
                            {
                                if t.credit_account == chart.wallet(p.user) {
                                    n += 1;
                                    add(
                                        wallet_refunds.entry(p.user).or_insert_with(zero),
                                        t.amount,
                                    )?;
                                }
                            }
                        }
                        n
                    }
                };
                if refunds != u32::from(owed) {
                    return Err(format!("{who}: {refunds} refunds completed, owed {owed}"));
                }
                if owed {
                    self.check_refund_records(&who, p.payment).await?;
                }
                let order = self.row::<OrderRecord>(order_id(p.id)).await?;
                if order.is_some() != ordered {
                    return Err(format!("{who}: order exists {}", order.is_some()));
                }
                if let (Some(order), Some(s)) = (order, success) {
                    let expected = s
                        .cashback_per_unit
                        .checked_mul_qty(p.quantity)
                        .map_err(|e| e.to_string())?;
                    if order.request().quantity != p.quantity
                        || order.request().final_unit_price != s.final_unit_price
                        || order.request().cashback != expected
                    {
                        return Err(format!(
                            "{who}: order {:?} disagrees with the session",
                            order.request()
                        ));
                    }
                    if !expected.is_zero() {
                        let entry = cashback.entry(p.user).or_insert((0, zero()));
                        entry.0 += 1;
                        add(&mut entry.1, expected)?;
                    }
                }
            }
        }
        Ok((cashback, wallet_refunds))
    }

    /// A refund owed by the original method ended completed: its last attempt is
    /// completed and every earlier one failed.
    async fn check_refund_records(&self, who: &str, payment: PaymentId) -> Check {
        if self.setup.config.refund_destination != RefundDestination::OriginalMethod {
            return Ok(());
        }
        let chart = self.world.observer.chart();
        let mut statuses = Vec::new();
        for attempt in 1..=6 {
            let key = chart.refund_transfer_id(payment, attempt).to_string();
            match self.row::<RefundRecord>(key).await? {
                Some(r) => statuses.push(r.status),
                None => break,
            }
        }
        let fine = statuses.split_last().is_some_and(|(last, earlier)| {
            *last == RefundStatus::Completed && earlier.iter().all(|s| *s == RefundStatus::Failed)
        });
        if !fine {
            return Err(format!("{who}: refund attempts ended {statuses:?}"));
        }
        Ok(())
    }

    /// No double cashback: the ledger's cashback credits are exactly one per paid
    /// participant of a confirmed session (with a saving), per user.
    fn check_cashback_transfers(
        &self,
        books: &Books,
        expected: &BTreeMap<UserId, (u32, Money)>,
    ) -> Check {
        let chart = self.world.observer.chart();
        let mut actual: BTreeMap<AccountId, (u32, Money)> = BTreeMap::new();
        for t in books.ledger.transfers() {
            if t.transfer.code == TransferCode::Cashback {
                let entry = actual.entry(t.credit_account).or_insert((0, zero()));
                entry.0 += 1;
                add(&mut entry.1, t.amount)?;
            }
        }
        let expected: BTreeMap<AccountId, (u32, Money)> = expected
            .iter()
            .map(|(user, v)| (chart.wallet(*user), *v))
            .collect();
        if actual != expected {
            return Err(format!(
                "cashback credits {actual:?} differ from confirmed orders {expected:?}"
            ));
        }
        Ok(())
    }

    /// Each wallet holds Σ cashback + refunds to the wallet + deposits − completed
    /// withdrawals; nothing is held once every withdrawal is resolved.
    fn check_wallets(
        &self,
        books: &Books,
        cashback: &BTreeMap<UserId, (u32, Money)>,
        refunds: &BTreeMap<UserId, Money>,
    ) -> Check {
        let chart = self.world.observer.chart();
        for (id, request) in &self.model.withdrawals {
            let w = books
                .withdrawals
                .get(*id)
                .ok_or_else(|| format!("accepted withdrawal {id} is missing"))?;
            if w.request() != request {
                return Err(format!("withdrawal {id} differs from its request"));
            }
        }
        for user in &self.setup.users {
            let mut credits = zero();
            if let Some((_, c)) = cashback.get(user) {
                add(&mut credits, *c)?;
            }
            if let Some(r) = refunds.get(user) {
                add(&mut credits, *r)?;
            }
            for (u, amount) in self.model.deposits.values() {
                if u == user {
                    add(&mut credits, *amount)?;
                }
            }
            let mut withdrawn = zero();
            for w in books.withdrawals.iter().filter(|w| w.user() == *user) {
                match w.status() {
                    WithdrawalStatus::Completed => add(&mut withdrawn, w.amount())?,
                    WithdrawalStatus::Failed | WithdrawalStatus::Reversed => {}
                    status => {
                        return Err(format!("withdrawal {} still {status:?} at rest", w.id()))
                    }
                }
            }
            let expected = credits
                .checked_sub(withdrawn)
                .map_err(|e| format!("wallet of {user}: {e}"))?;
            let (posted, held) = match books.ledger.account(chart.wallet(*user)) {
                Some(a) => (
                    idr!(a.balances().posted_net()),
                    idr!(a.balances().debits_pending),
                ),
                None => (zero(), zero()),
            };
            if posted != expected || !held.is_zero() {
                return Err(format!(
                    "wallet of {user}: {posted} posted and {held} held, expected {expected} (credits {credits}, withdrawn {withdrawn})"
                ));
            }
        }
        Ok(())
    }

    /// The ledger's gateway clearing and bank accounts agree with what the providers
    /// did: money in = invoices paid, money back = refunds succeeded, bank = payouts
    /// completed and not reversed.
    fn check_provider_totals(&self, books: &Books) -> Check {
        let chart = self.world.observer.chart();
        // Everything the gateway collected in rupiah: genuine payments and the money of
        // rupiah anomalies (other currencies have their own clearing account).
        let paid_in = self.world.gateway.collected_in(Currency::IDR);
        let mut refunded = zero();
        for refund in self.world.gateway.refunds() {
            if refund.state == RefundState::Succeeded
                && refund.request.amount.currency() == Currency::IDR
            {
                add(&mut refunded, refund.request.amount)?;
            }
        }
        let (debits, credits, pending) = match books
            .ledger
            .account(chart.id(ChartAccount::GatewayClearing))
        {
            Some(a) => {
                let b = a.balances();
                (
                    idr!(b.debits_posted),
                    idr!(b.credits_posted),
                    !b.debits_pending.is_zero() || !b.credits_pending.is_zero(),
                )
            }
            None => (zero(), zero(), false),
        };
        if debits != paid_in || credits != refunded || pending {
            return Err(format!(
                "gateway clearing: {debits} in, {credits} back (pending {pending}); the gateway took {paid_in} and refunded {refunded}"
            ));
        }
        let mut payouts = zero();
        for payout in self.world.disburser.payouts() {
            let to_a_bank = !super::check::is_factory_payout(&payout.item.external_id);
            if to_a_bank && payout.outcome == Some(PayoutEvent::Completed) {
                add(&mut payouts, payout.item.amount)?;
            }
        }
        let bank = match books.ledger.account(chart.id(ChartAccount::BankPayouts)) {
            Some(a) => {
                let b = a.balances();
                if !b.credits_pending.is_zero() {
                    return Err("bank payouts still pending at rest".to_owned());
                }
                idr!(b.credits_posted - b.debits_posted)
            }
            None => zero(),
        };
        if bank != payouts {
            return Err(format!(
                "the ledger paid {bank} to banks, the disburser completed {payouts}"
            ));
        }
        for (reference, (user, amount)) in &self.model.deposits {
            let t = books
                .ledger
                .transfer(chart.credit_transfer_id(*reference))
                .ok_or_else(|| format!("deposit {reference} is missing"))?;
            if t.credit_account != chart.wallet(*user) || t.amount != *amount {
                return Err(format!("deposit {reference} differs"));
            }
        }
        Ok(())
    }
}

/// The first Asia/Jakarta midnight (17:00 UTC; no daylight saving) at or after `t`,
/// or strictly after it.
fn jakarta_midnight(t: DateTime<Utc>, strictly_after: bool) -> DateTime<Utc> {
    let candidate = t
        .date_naive()
        .and_hms_opt(17, 0, 0)
        .map(|n| n.and_utc())
        .unwrap_or(t);
    if candidate < t || (strictly_after && candidate == t) {
        candidate + Duration::days(1)
    } else {
        candidate
    }
}

/// Settlement arithmetic, recomputed from the session alone (docs/domain.md §3–§5): the fill,
/// the final price and cashback, the bot top-up bound, success iff someone paid and
/// the fill reached the threshold; and each renewal exists with the same terms over
/// the next Jakarta day.
fn check_settlements(books: &Books) -> Check {
    let ids: BTreeMap<SessionId, &Session> = books.sessions.iter().map(|(i, s)| (*i, s)).collect();
    for (id, session) in &books.sessions {
        let state = session.state();
        let config = state.config();
        let moq = u128::from(config.moq.get());
        let fill = |units: u64| (u128::from(units) * 10_000 / moq) as u32;
        let threshold = config.success_threshold().get();
        let target = (moq * u128::from(config.bot.target().get())).div_ceil(10_000) as u64;
        match state.settlement() {
            Some(Settlement::Succeeded(s)) => {
                let fill_bp = fill(s.paid_real_quantity + s.bot_quantity);
                let price = config
                    .ladder
                    .rungs()
                    .iter()
                    .filter(|r| r.threshold.get() <= fill_bp)
                    .map(|r| r.unit_price)
                    .next_back()
                    .unwrap_or(config.group_price());
                let cashback = config
                    .group_price()
                    .checked_sub(price)
                    .map_err(|e| e.to_string())?;
                let paid: u64 = state
                    .participants()
                    .iter()
                    .filter(|p| p.status == ParticipantStatus::Paid)
                    .map(|p| p.quantity)
                    .sum();
                let paid_ok =
                    session.status() == SessionStatus::Cancelled || paid == s.paid_real_quantity;
                if s.fill_bp.get() != fill_bp
                    || s.final_unit_price != price
                    || s.cashback_per_unit != cashback
                    || fill_bp < threshold
                    || s.paid_real_quantity == 0
                    || !paid_ok
                {
                    return Err(format!(
                        "session {id} succeeded with {s:?}; recomputed fill {fill_bp} bp, price {price}, paid {paid}, threshold {threshold}"
                    ));
                }
                if s.bot_quantity > 0 && (!config.bot.enabled() || s.bot_quantity >= target) {
                    return Err(format!(
                        "session {id}: bot quantity {} (target {target}, enabled {})",
                        s.bot_quantity,
                        config.bot.enabled()
                    ));
                }
            }
            Some(Settlement::Failed(f)) => {
                let fill_bp = fill(f.paid_real_quantity + f.bot_quantity);
                if f.fill_bp.get() != fill_bp || (f.paid_real_quantity > 0 && fill_bp >= threshold)
                {
                    return Err(format!(
                        "session {id} failed with {f:?}; recomputed fill {fill_bp} bp, threshold {threshold}"
                    ));
                }
            }
            None => {}
        }
        if let Some(renewal) = state.renewal() {
            let start = jakarta_midnight(config.end, false);
            let end = start + Duration::days(1);
            let (start, end) = if end > renewal.at {
                (start, end)
            } else {
                (renewal.at, jakarta_midnight(renewal.at, true))
            };
            if (renewal.start, renewal.end) != (start, end) {
                return Err(format!(
                    "session {id} ending {} renews for {}..{}, expected {start}..{end}",
                    config.end, renewal.start, renewal.end
                ));
            }
            let next = ids
                .get(&patungan_engine::renewal_id(*id))
                .ok_or_else(|| format!("session {id}: its renewal was not created"))?;
            let mut expected = config.clone();
            expected.start = start;
            expected.end = end;
            if *next.state().config() != expected {
                return Err(format!("session {id}: its renewal has other terms"));
            }
        }
    }
    Ok(())
}
