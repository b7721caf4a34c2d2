//! A simulated payment gateway: invoices and refunds kept in memory, with
//! reproducible injected faults. The simulation and the tests play the payer.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use patungan_core::{Currency, Money, PaymentId};

use crate::faults::{fault_error, Fault, FaultConfig, FaultPlan};
use patungan_core::notices::{
    PaymentNotification, PaymentStatus, RefundNotification, RefundOutcome,
};
use patungan_ports::{
    GatewayInvoiceRequest, Invoice, PaymentGateway, PortError, RefundAccepted, RefundRequest,
    RefundState,
};

/// Where a simulated invoice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceStatus {
    /// Waiting for the payer.
    Pending,
    /// Paid.
    Paid,
    /// Expired unpaid.
    Expired,
}

/// An invoice the simulated gateway holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimInvoice {
    /// What was asked for (the first request; repeats must be identical).
    pub request: GatewayInvoiceRequest,
    /// Where it stands.
    pub status: InvoiceStatus,
    /// How many create calls reached the gateway for it (retries included).
    pub create_calls: u32,
}

/// A refund the simulated gateway holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimRefund {
    /// What was asked for.
    pub request: RefundRequest,
    /// Where it stands.
    pub state: RefundState,
    /// How many refund calls reached the gateway for it (retries included).
    pub calls: u32,
}

#[derive(Debug, Default)]
struct State {
    invoices: BTreeMap<PaymentId, SimInvoice>,
    refunds: BTreeMap<String, SimRefund>,
    /// Money collected per gateway invoice id and currency (what a refund may give back).
    collected: BTreeMap<(String, Currency), Money>,
}

/// The in-memory [`PaymentGateway`].
#[derive(Debug)]
pub struct MemoryGateway {
    state: Mutex<State>,
    faults: Mutex<FaultPlan>,
}

impl Default for MemoryGateway {
    fn default() -> Self {
        MemoryGateway::new(FaultConfig::default())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl MemoryGateway {
    /// A gateway injecting the given faults.
    pub fn new(faults: FaultConfig) -> Self {
        MemoryGateway {
            state: Mutex::new(State::default()),
            faults: Mutex::new(FaultPlan::new(faults)),
        }
    }

    async fn enter(&self) -> Fault {
        let (fault, latency) = {
            let mut plan = lock(&self.faults);
            (plan.draw(), plan.config().latency)
        };
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        fault
    }

    /// The invoice of `payment_id`, if one was created.
    pub fn invoice(&self, payment_id: PaymentId) -> Option<SimInvoice> {
        lock(&self.state).invoices.get(&payment_id).cloned()
    }

    /// Every invoice, by payment id.
    pub fn invoices(&self) -> Vec<SimInvoice> {
        lock(&self.state).invoices.values().cloned().collect()
    }

    /// Every refund, by reference.
    pub fn refunds(&self) -> Vec<SimRefund> {
        lock(&self.state).refunds.values().cloned().collect()
    }

    /// The payer pays a pending invoice in full; returns the webhook the gateway sends.
    /// `None` when there is no such invoice or it is not pending.
    pub fn pay(&self, payment_id: PaymentId, at: DateTime<Utc>) -> Option<PaymentNotification> {
        let mut state = lock(&self.state);
        let invoice = state.invoices.get_mut(&payment_id)?;
        if invoice.status != InvoiceStatus::Pending || at >= invoice.request.expires_at {
            return None;
        }
        invoice.status = InvoiceStatus::Paid;
        let amount = invoice.request.amount;
        collect(
            &mut state.collected,
            provider_invoice_id(payment_id),
            amount,
        );
        let paid_as = format!("pay_{}", payment_id.as_uuid().simple());
        Some(paid(
            payment_id,
            provider_invoice_id(payment_id),
            amount,
            at,
            paid_as,
        ))
    }

    /// A payment the gateway collected and reports as it likes — another amount or
    /// currency, or under another gateway invoice id than the one it created — the
    /// paid callback of a faulty or hostile provider. The money counts as collected
    /// under the reported invoice id, so it can be refunded; the invoice's own status
    /// does not change.
    pub fn collect_mismatched(
        &self,
        payment_id: PaymentId,
        provider_invoice_id: &str,
        amount: Money,
        at: DateTime<Utc>,
    ) -> PaymentNotification {
        let mut state = lock(&self.state);
        collect(&mut state.collected, provider_invoice_id.to_owned(), amount);
        let paid_as = format!("pay_{provider_invoice_id}_{amount}");
        paid(
            payment_id,
            provider_invoice_id.to_owned(),
            amount,
            at,
            paid_as,
        )
    }

    /// Everything collected in `currency`, genuine and mismatched payments alike.
    pub fn collected_in(&self, currency: Currency) -> Money {
        lock(&self.state)
            .collected
            .iter()
            .filter(|((_, c), _)| *c == currency)
            .fold(Money::zero(currency), |sum, (_, m)| {
                sum.checked_add(*m).unwrap_or(sum)
            })
    }

    /// Fails every pending refund with `failure_code`; returns the webhooks.
    pub fn fail_refunds(&self, failure_code: &str) -> Vec<RefundNotification> {
        self.decide_refunds(RefundOutcome::Failed, Some(failure_code))
    }

    /// Expires every pending invoice whose expiry is at or before `now`; returns the webhooks.
    pub fn expire_due(&self, now: DateTime<Utc>) -> Vec<PaymentNotification> {
        let mut state = lock(&self.state);
        state
            .invoices
            .values_mut()
            .filter(|i| i.status == InvoiceStatus::Pending && i.request.expires_at <= now)
            .map(|i| {
                i.status = InvoiceStatus::Expired;
                expired(i.request.payment_id)
            })
            .collect()
    }

    /// Completes every pending refund; returns the webhooks.
    pub fn settle_refunds(&self) -> Vec<RefundNotification> {
        self.decide_refunds(RefundOutcome::Succeeded, None)
    }

    fn decide_refunds(
        &self,
        outcome: RefundOutcome,
        failure_code: Option<&str>,
    ) -> Vec<RefundNotification> {
        let mut state = lock(&self.state);
        state
            .refunds
            .values_mut()
            .filter(|r| r.state == RefundState::Pending)
            .map(|r| {
                r.state = match outcome {
                    RefundOutcome::Succeeded => RefundState::Succeeded,
                    RefundOutcome::Failed => RefundState::Failed,
                };
                RefundNotification {
                    provider_event_id: provider_refund_id(&r.request.reference),
                    reference: r.request.reference.clone(),
                    outcome,
                    failure_code: failure_code.map(str::to_owned),
                }
            })
            .collect()
    }
}

/// Adds `amount` to what was collected under `invoice_id` in its currency.
fn collect(collected: &mut BTreeMap<(String, Currency), Money>, invoice_id: String, amount: Money) {
    let total = collected
        .entry((invoice_id, amount.currency()))
        .or_insert_with(|| Money::zero(amount.currency()));
    *total = total.checked_add(amount).unwrap_or(*total);
}

fn provider_invoice_id(payment_id: PaymentId) -> String {
    format!("inv_{}", payment_id.as_uuid().simple())
}

fn provider_refund_id(reference: &str) -> String {
    format!("rfd_{reference}")
}

/// The paid callback the gateway sends.
fn paid(
    payment_id: PaymentId,
    provider_invoice_id: String,
    amount: Money,
    at: DateTime<Utc>,
    provider_payment_id: String,
) -> PaymentNotification {
    PaymentNotification {
        provider_event_id: provider_invoice_id,
        payment_id,
        status: PaymentStatus::Paid,
        paid_amount: Some(amount),
        paid_at: Some(at),
        payment_method: Some("BANK_TRANSFER".to_owned()),
        payment_channel: Some("BCA".to_owned()),
        provider_payment_id: Some(provider_payment_id),
    }
}

fn expired(payment_id: PaymentId) -> PaymentNotification {
    PaymentNotification {
        provider_event_id: provider_invoice_id(payment_id),
        payment_id,
        status: PaymentStatus::Expired,
        paid_amount: None,
        paid_at: None,
        payment_method: None,
        payment_channel: None,
        provider_payment_id: None,
    }
}

#[async_trait]
impl PaymentGateway for MemoryGateway {
    async fn create_invoice(&self, request: &GatewayInvoiceRequest) -> Result<Invoice, PortError> {
        let fault = self.enter().await;
        if fault == Fault::Error {
            return Err(fault_error(fault, "create_invoice"));
        }
        let mut state = lock(&self.state);
        let invoice = state
            .invoices
            .entry(request.payment_id)
            .or_insert_with(|| SimInvoice {
                request: request.clone(),
                status: InvoiceStatus::Pending,
                create_calls: 0,
            });
        if invoice.request != *request {
            return Err(PortError::permanent(
                "memory",
                "create_invoice",
                "DUPLICATE_EXTERNAL_ID",
                format!(
                    "payment {} was invoiced with other content",
                    request.payment_id
                ),
            ));
        }
        invoice.create_calls += 1;
        if fault == Fault::LostResponse {
            return Err(fault_error(fault, "create_invoice"));
        }
        Ok(Invoice {
            provider_invoice_id: provider_invoice_id(request.payment_id),
            url: format!("https://pay.invalid/{}", request.payment_id),
            expires_at: request.expires_at,
        })
    }

    async fn expire_invoice(
        &self,
        payment_id: PaymentId,
        _provider_invoice_id: Option<&str>,
    ) -> Result<(), PortError> {
        let fault = self.enter().await;
        if fault == Fault::Error {
            return Err(fault_error(fault, "expire_invoice"));
        }
        let mut state = lock(&self.state);
        // An invoice never created (its participant moved on first) cannot be paid
        // either, which is all that expiring asks for.
        if let Some(invoice) = state.invoices.get_mut(&payment_id) {
            if invoice.status == InvoiceStatus::Pending {
                invoice.status = InvoiceStatus::Expired;
            }
        }
        if fault == Fault::LostResponse {
            return Err(fault_error(fault, "expire_invoice"));
        }
        Ok(())
    }

    async fn refund(&self, request: &RefundRequest) -> Result<RefundAccepted, PortError> {
        let fault = self.enter().await;
        if fault == Fault::Error {
            return Err(fault_error(fault, "refund"));
        }
        let mut state = lock(&self.state);
        let invoice_id = request
            .provider_invoice_id
            .clone()
            .unwrap_or_else(|| provider_invoice_id(request.payment_id));
        let paid = state
            .collected
            .get(&(invoice_id, request.amount.currency()))
            .is_some_and(|c| request.amount <= *c);
        if !paid {
            return Err(PortError::permanent(
                "memory",
                "refund",
                "INVALID_PAYMENT_STATUS",
                format!(
                    "payment {} is not paid or the amount exceeds it",
                    request.payment_id
                ),
            ));
        }
        let refund = state
            .refunds
            .entry(request.reference.clone())
            .or_insert_with(|| SimRefund {
                request: request.clone(),
                state: RefundState::Pending,
                calls: 0,
            });
        if refund.request != *request {
            return Err(PortError::permanent(
                "memory",
                "refund",
                "DUPLICATE_REFUND_ERROR",
                format!(
                    "refund {} was requested with other content",
                    request.reference
                ),
            ));
        }
        refund.calls += 1;
        let accepted = RefundAccepted {
            provider_refund_id: provider_refund_id(&request.reference),
            state: refund.state,
        };
        if fault == Fault::LostResponse {
            return Err(fault_error(fault, "refund"));
        }
        Ok(accepted)
    }
}
