//! Steps on money: payers pay, invoices expire, webhooks arrive (late, twice, out of
//! order), refunds and payouts are decided, deposits and withdrawals.

use chrono::Duration;
use patungan_core::notices::{PayoutEvent, ProviderNotification};
use patungan_core::wallet::{BankAccount, WithdrawalRequest};
use patungan_core::{Money, WithdrawalId};
use patungan_engine::{EngineError, Handled};
use patungan_memory::InvoiceStatus;

use super::driver::{bounded, Call, Check, Sim};
use super::oracle;
use super::sessions::expect;
use super::webhooks::InFlight;

const TEMPORARY: [&str; 4] = [
    "TEMPORARY_TRANSFER_ERROR",
    "SWITCHING_NETWORK_ERROR",
    "SERVER_ERROR",
    "UNKNOWN_BANK_NETWORK_ERROR",
];

impl Sim {
    /// A provider sends a webhook: now, a little later or much later, sometimes twice.
    pub fn send(&mut self, note: ProviderNotification) {
        let copies = if self.rng.chance(12) { 2 } else { 1 };
        for _ in 0..copies {
            let delay = match self.rng.below(100) {
                0..=49 => 0,
                50..=79 => self.rng.range(1, 600),
                80..=94 => self.rng.range(600, 6 * 3600),
                _ => self.rng.range(6 * 3600, 3 * 24 * 3600),
            };
            self.webhooks
                .send(note.clone(), self.now + Duration::seconds(delay as i64));
        }
    }

    /// Payers pay some pending invoices (some never pay).
    pub async fn pay(&mut self) -> Check {
        for invoice in self.world.gateway.invoices() {
            let payment = invoice.request.payment_id;
            if invoice.status != InvoiceStatus::Pending {
                continue;
            }
            if self.model.seen_invoices.insert(payment) && self.rng.chance(15) {
                self.model.never_pay.insert(payment);
            }
            if self.model.never_pay.contains(&payment) || !self.rng.chance(50) {
                continue;
            }
            if let Some(note) = self.world.gateway.pay(payment, self.now) {
                self.stats.payments += 1;
                let session = invoice
                    .request
                    .metadata
                    .get("session")
                    .and_then(|s| s.parse().ok());
                if let Some(session) = session {
                    let view = self.view(session).await?;
                    let open = view
                        .state()
                        .participant_by_payment(payment)
                        .is_some_and(|p| {
                            p.status == patungan_core::session::ParticipantStatus::Pending
                        });
                    if !open {
                        self.stats
                            .saw("payer paid an invoice the session had closed");
                    }
                }
                self.note(format!("payer paid {payment} ({})", invoice.request.amount));
                self.send(ProviderNotification::Payment(note));
            }
        }
        Ok(())
    }

    /// The gateway expires the invoices past their expiry.
    pub async fn expire_due(&mut self) -> Check {
        for note in self.world.gateway.expire_due(self.now) {
            self.note(format!("gateway expired invoice {}", note.payment_id));
            self.send(ProviderNotification::Payment(note));
        }
        Ok(())
    }

    /// Webhooks due now arrive, in random order.
    pub async fn deliver_due(&mut self) -> Check {
        let mut due = self.webhooks.take_due(Some(self.now));
        self.rng.shuffle(&mut due);
        for item in due {
            self.deliver(item).await?;
        }
        Ok(())
    }

    /// Every webhook in flight arrives now, in random order.
    pub async fn deliver_all(&mut self) -> Check {
        let mut all = self.webhooks.take_due(None);
        self.rng.shuffle(&mut all);
        for item in all {
            self.deliver(item).await?;
        }
        Ok(())
    }

    /// One webhook reaches a replica (or, racing, both replicas at once). A refusal
    /// the rules allow ([`allowed_refusal`]) is retried later, as the provider
    /// would; any other refusal is a failure.
    pub async fn deliver(&mut self, item: InFlight) -> Check {
        let now = self.now;
        self.stats.webhooks += 1;
        let results = if self.world.replicas.len() > 1 && self.rng.chance(10) {
            let (f0, f1) = (self.fired(0), self.fired(1));
            let (now0, now1) = (self.clock(0), self.clock(1));
            let (a, b) = tokio::join!(
                bounded(self.world.engine(0).handle_notification(&item.note, now0)),
                bounded(self.world.engine(1).handle_notification(&item.note, now1))
            );
            vec![
                self.classify(0, f0, a?).await?,
                self.classify(1, f1, b?).await?,
            ]
        } else {
            let r = self.replica();
            let fired = self.fired(r);
            let at = self.clock(r);
            let result = bounded(self.world.engine(r).handle_notification(&item.note, at)).await?;
            vec![self.classify(r, fired, result).await?]
        };
        let label = describe(&item.note);
        let mut consumed = false;
        let mut changes = 0;
        for call in results {
            match call {
                Call::Done(handled) => {
                    consumed = true;
                    if handled == Handled::Duplicate {
                        self.stats.duplicates += 1;
                    } else {
                        changes += 1;
                    }
                    self.note(format!("webhook {label}: {handled:?}"));
                }
                Call::Refused(e) if allowed_refusal(&item.note, &e) => {
                    self.note(format!(
                        "webhook {label}: refused {}, retried later",
                        e.code()
                    ));
                }
                Call::Refused(e) => {
                    return Err(format!("webhook {label} refused: {} ({e})", e.code()))
                }
                Call::Faulted => self.note(format!("webhook {label}: interrupted")),
            }
        }
        if changes > 1 {
            return Err(format!(
                "webhook {label} delivered to two replicas at once was applied twice"
            ));
        }
        if !consumed {
            self.stats.redeliveries += 1;
            let at = now + Duration::seconds(self.rng.range(30, 3 * 3600) as i64);
            self.webhooks.retry(item, at);
        } else if self.rng.chance(5) {
            // The provider sends it once more, much later.
            let at = now + Duration::seconds(self.rng.range(3600, 2 * 24 * 3600) as i64);
            self.webhooks.send(item.note, at);
        }
        Ok(())
    }

    /// The gateway decides pending refunds: most succeed, some fail (and the engine
    /// must retry them under a new attempt). `all` decides every one, successfully.
    pub async fn resolve_refunds(&mut self, all: bool) -> Check {
        for refund in self.world.gateway.refunds() {
            if refund.state != patungan_engine::ports::RefundState::Pending {
                continue;
            }
            if !all && !self.rng.chance(50) {
                continue;
            }
            let payment = refund.request.payment_id;
            let failures = self.model.refund_failures.entry(payment).or_insert(0);
            let succeed = all || *failures >= 3 || !self.rng.chance(20);
            if !succeed {
                *failures += 1;
            }
            let reference = refund.request.reference.clone();
            if let Some(note) = self.world.gateway.resolve_refund(&reference, succeed) {
                if succeed {
                    self.stats.refunds.0 += 1;
                } else {
                    self.stats.refunds.1 += 1;
                }
                self.note(format!(
                    "gateway {} refund {reference} of {payment}",
                    if succeed { "completed" } else { "failed" }
                ));
                self.send(ProviderNotification::Refund(note));
            }
        }
        Ok(())
    }

    /// The disburser decides payouts: completed, failed for good, failed temporarily;
    /// a few completed ones are reversed by the bank later.
    pub async fn resolve_payouts(&mut self, all: bool) -> Check {
        for payout in self.world.disburser.payouts() {
            let id = payout.item.external_id.clone();
            let decision = match payout.outcome {
                None if all || self.rng.chance(50) => match self.rng.below(100) {
                    0..=64 => Some((PayoutEvent::Completed, None)),
                    65..=79 => Some((PayoutEvent::Failed, Some("INVALID_DESTINATION"))),
                    _ => Some((PayoutEvent::Failed, self.rng.pick(&TEMPORARY).copied())),
                },
                Some(PayoutEvent::Completed) if !all && self.rng.chance(15) => {
                    Some((PayoutEvent::Reversed, None))
                }
                _ => None,
            };
            let Some((outcome, code)) = decision else {
                continue;
            };
            if let Some(note) = self.world.disburser.resolve(&id, outcome, code) {
                match (outcome, code) {
                    (PayoutEvent::Completed, _) => self.stats.payouts.0 += 1,
                    (PayoutEvent::Failed, Some("INVALID_DESTINATION")) => self.stats.payouts.1 += 1,
                    (PayoutEvent::Failed, _) => self.stats.payouts.2 += 1,
                    (PayoutEvent::Reversed, _) => self.stats.payouts.3 += 1,
                }
                self.note(format!("disburser: payout {id} {outcome:?} {code:?}"));
                self.send(ProviderNotification::Payout(note));
            }
        }
        Ok(())
    }

    /// An admin deposit (sometimes the same reference again: a no-op).
    pub async fn deposit(&mut self) -> Check {
        let replay = self
            .model
            .deposits
            .iter()
            .map(|(r, (u, a))| (*r, *u, *a))
            .collect::<Vec<_>>();
        let roll = self.rng.below(100);
        let (reference, user, amount, fresh) = match self.rng.pick(&replay) {
            // The same deposit again: a no-op.
            Some(&(r, u, a)) if roll < 12 => (r, u, a, false),
            // Another amount under a used reference: refused.
            Some(&(r, u, a)) if roll < 15 => {
                (r, u, a.checked_add(Money::idr(5_000)).unwrap_or(a), false)
            }
            _ => {
                let user = *self
                    .rng
                    .pick(&self.setup.users)
                    .unwrap_or(&patungan_core::UserId::from_u128(1));
                let amount = Money::idr(self.rng.range(1, 40) * 5_000);
                (
                    uuid::Uuid::from_u128(self.model.fresh()),
                    user,
                    amount,
                    true,
                )
            }
        };
        let r = self.replica();
        let fired = self.fired(r);
        let result = bounded(self.world.engine(r).deposit(user, amount, reference)).await?;
        match self.classify(r, fired, result).await? {
            Call::Done(()) => {
                if fresh {
                    self.stats.deposits += 1;
                    self.model.deposits.insert(reference, (user, amount));
                }
                self.note(format!("deposit {amount} to {user} ({reference})"));
                Ok(())
            }
            Call::Refused(e)
                if e.code() == "ledger.transfer_exists"
                    && self
                        .model
                        .deposits
                        .get(&reference)
                        .is_some_and(|(_, a)| *a != amount) =>
            {
                self.stats.refused(e.code());
                self.note(format!("deposit {reference} again with {amount}: refused"));
                Ok(())
            }
            Call::Refused(e) => Err(format!("deposit refused: {} ({e})", e.code())),
            Call::Faulted => Ok(()),
        }
    }

    /// A withdrawal request: mostly valid, some too small, too large, or to a bad
    /// account; sometimes the same request again.
    pub async fn withdraw(&mut self) -> Check {
        let user = *self
            .rng
            .pick(&self.setup.users)
            .unwrap_or(&patungan_core::UserId::from_u128(1));
        let available = self
            .world
            .observer
            .wallet_balance(user)
            .await
            .map_err(|e| format!("balance: {e}"))?
            .available;
        let book = self
            .world
            .observer
            .withdrawals()
            .await
            .map_err(|e| format!("withdrawals: {e}"))?;
        let previous: Vec<WithdrawalRequest> = self.model.withdrawals.values().cloned().collect();
        let roll = self.rng.below(100);
        let request = match self.rng.pick(&previous) {
            // The same request again (a no-op), or its id reused for another amount.
            Some(p) if roll < 5 => p.clone(),
            Some(p) if roll < 7 => WithdrawalRequest {
                amount: p.amount.checked_add(Money::idr(1_000)).unwrap_or(p.amount),
                ..p.clone()
            },
            _ => {
                let rupiah = |m: Money| m.amount().to_string().parse::<u64>().unwrap_or(0);
                let amount = match self.rng.below(100) {
                    0..=69 if rupiah(available) >= 10_000 => {
                        self.rng.range(10_000, rupiah(available))
                    }
                    0..=79 => rupiah(available) + self.rng.range(1, 50_000),
                    80..=89 => self.rng.range(1, 9_999),
                    _ => self.rng.range(10_000, 60_000),
                };
                let (account, holder) = match self.rng.below(100) {
                    0..=4 => ("12ab5678", "Siti Aminah"),
                    5..=8 => ("1234567890", "Al"),
                    _ => ("1234567890", "Siti Aminah"),
                };
                WithdrawalRequest {
                    id: WithdrawalId::from_u128(self.model.fresh()),
                    user,
                    amount: Money::idr(amount),
                    destination: BankAccount {
                        bank_code: "BCA".into(),
                        account_number: account.into(),
                        holder_name: holder.into(),
                    },
                    requested_at: self.now,
                }
            }
        };
        let available = self
            .world
            .observer
            .wallet_balance(request.user)
            .await
            .map_err(|e| format!("balance: {e}"))?
            .available;
        let predicted = oracle::withdrawal(
            &book,
            &self.setup.config.withdrawal_policy,
            &request,
            available,
        );
        let r = self.replica();
        let fired = self.fired(r);
        let what = format!(
            "withdrawal {} of {} by {}",
            request.id, request.amount, request.user
        );
        let result = bounded(self.world.engine(r).request_withdrawal(request.clone())).await?;
        match self.classify(r, fired, result).await? {
            Call::Done(()) => {
                let created = !self.model.withdrawals.contains_key(&request.id);
                expect(&what, predicted, Ok(created))?;
                if created {
                    self.stats.withdrawals += 1;
                    self.model.withdrawals.insert(request.id, request);
                }
                self.note(format!("{what}: accepted"));
            }
            Call::Refused(e) => {
                expect(&what, predicted, Err(e.code()))?;
                self.stats.refused(e.code());
                self.note(format!("{what}: refused {}", e.code()));
            }
            Call::Faulted => {
                let book = self
                    .world
                    .observer
                    .withdrawals()
                    .await
                    .map_err(|e| format!("withdrawals: {e}"))?;
                if book
                    .get(request.id)
                    .is_some_and(|w| *w.request() == request)
                {
                    self.model.withdrawals.insert(request.id, request);
                }
                self.note(format!("{what}: interrupted"));
            }
        }
        Ok(())
    }
}

/// Refusals a provider's retry resolves: a reversal that overtook its completion.
/// Refusals the rules allow, which the provider's redelivery resolves: a reversal
/// before its completion, a paid callback ahead of its invoice's record (the
/// invoice was created at the gateway, but its creation was not yet recorded).
fn allowed_refusal(note: &ProviderNotification, error: &EngineError) -> bool {
    match note {
        ProviderNotification::Payout(n) => {
            n.outcome == PayoutEvent::Reversed && error.code() == "withdrawal.not_completed"
        }
        ProviderNotification::Payment(_) => error.code() == "engine.invoice_not_ready",
        _ => false,
    }
}

fn describe(note: &ProviderNotification) -> String {
    match note {
        ProviderNotification::Payment(n) => format!("payment {} {:?}", n.payment_id, n.status),
        ProviderNotification::Refund(n) => format!("refund {} {:?}", n.reference, n.outcome),
        ProviderNotification::Payout(n) => format!("payout {} {:?}", n.external_id, n.outcome),
        ProviderNotification::Shipment(n) => {
            format!("shipment {} {:?}", n.provider_order_id, n.status)
        }
    }
}
