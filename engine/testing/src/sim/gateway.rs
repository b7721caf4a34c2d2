//! The simulated payment gateway: the engine's in-memory gateway for invoices and
//! refund requests (with its seeded faults), plus per-refund outcomes decided by the
//! simulation (the in-memory gateway can only settle every refund successfully).

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use patungan_core::notices::{PaymentNotification, RefundNotification, RefundOutcome};
use patungan_core::{Currency, Money, PaymentId};
use patungan_engine::ports::{
    GatewayInvoiceRequest, Invoice, PaymentGateway, PortError, RefundAccepted, RefundRequest,
    RefundState,
};
use patungan_memory::{FaultConfig, MemoryGateway, SimInvoice};

/// A refund as the gateway sees it.
#[derive(Debug, Clone)]
pub struct GatewayRefund {
    /// The first request under this reference.
    pub request: RefundRequest,
    /// Where it stands.
    pub state: RefundState,
}

/// The simulation's gateway.
pub struct SimGateway {
    inner: MemoryGateway,
    refunds: Mutex<BTreeMap<String, GatewayRefund>>,
    expired_unknown: Mutex<BTreeMap<PaymentId, bool>>,
}

impl SimGateway {
    /// A gateway injecting `faults` into every call.
    pub fn new(faults: FaultConfig) -> Self {
        SimGateway {
            inner: MemoryGateway::new(faults),
            refunds: Mutex::new(BTreeMap::new()),
            expired_unknown: Mutex::new(BTreeMap::new()),
        }
    }

    fn table(&self) -> MutexGuard<'_, BTreeMap<String, GatewayRefund>> {
        self.refunds.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The payer pays an invoice (if it is pending and not expired at `at`).
    pub fn pay(&self, payment: PaymentId, at: DateTime<Utc>) -> Option<PaymentNotification> {
        self.inner.pay(payment, at)
    }

    /// A paid callback that does not match its invoice (see
    /// [`MemoryGateway::collect_mismatched`]).
    pub fn collect_mismatched(
        &self,
        payment: PaymentId,
        provider_invoice_id: &str,
        amount: Money,
        at: DateTime<Utc>,
    ) -> PaymentNotification {
        self.inner
            .collect_mismatched(payment, provider_invoice_id, amount, at)
    }

    /// Everything the gateway collected in `currency`.
    pub fn collected_in(&self, currency: Currency) -> Money {
        self.inner.collected_in(currency)
    }

    /// Every invoice.
    pub fn invoices(&self) -> Vec<SimInvoice> {
        self.inner.invoices()
    }

    /// Expires every pending invoice due at `now`; returns the webhooks.
    pub fn expire_due(&self, now: DateTime<Utc>) -> Vec<PaymentNotification> {
        self.inner.expire_due(now)
    }

    /// Every refund the gateway accepted.
    pub fn refunds(&self) -> Vec<GatewayRefund> {
        self.table().values().cloned().collect()
    }

    /// References of refunds still waiting for an outcome.
    pub fn pending_refunds(&self) -> Vec<String> {
        self.table()
            .iter()
            .filter(|(_, r)| r.state == RefundState::Pending)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Invoices the engine asked to expire before they existed: `(asked, created
    /// afterwards)` counts.
    pub fn expired_before_created(&self) -> (usize, usize) {
        let map = self
            .expired_unknown
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        (map.len(), map.values().filter(|created| **created).count())
    }

    /// Decides a pending refund; returns the webhook (`None` if it is not pending).
    pub fn resolve_refund(&self, reference: &str, succeed: bool) -> Option<RefundNotification> {
        let mut table = self.table();
        let refund = table.get_mut(reference)?;
        if refund.state != RefundState::Pending {
            return None;
        }
        refund.state = if succeed {
            RefundState::Succeeded
        } else {
            RefundState::Failed
        };
        Some(RefundNotification {
            provider_event_id: format!("rfd_{reference}"),
            reference: reference.to_owned(),
            outcome: if succeed {
                RefundOutcome::Succeeded
            } else {
                RefundOutcome::Failed
            },
            failure_code: (!succeed).then(|| "REFUND_FAILED".to_owned()),
        })
    }
}

#[async_trait]
impl PaymentGateway for SimGateway {
    async fn create_invoice(&self, request: &GatewayInvoiceRequest) -> Result<Invoice, PortError> {
        let result = self.inner.create_invoice(request).await;
        if self.inner.invoice(request.payment_id).is_some() {
            let mut map = self
                .expired_unknown
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(created) = map.get_mut(&request.payment_id) {
                *created = true;
            }
        }
        result
    }

    async fn expire_invoice(
        &self,
        payment_id: PaymentId,
        provider_invoice_id: Option<&str>,
    ) -> Result<(), PortError> {
        let result = self
            .inner
            .expire_invoice(payment_id, provider_invoice_id)
            .await;
        if result
            .as_ref()
            .is_err_and(|e| e.code == "INVOICE_NOT_FOUND_ERROR")
        {
            self.expired_unknown
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(payment_id)
                .or_insert(false);
        }
        result
    }

    async fn refund(&self, request: &RefundRequest) -> Result<RefundAccepted, PortError> {
        let result = self.inner.refund(request).await;
        // The in-memory gateway validated the request, injected its fault and recorded
        // it (or not); mirror what it recorded, then answer with our outcome.
        let recorded = self
            .inner
            .refunds()
            .iter()
            .any(|r| r.request.reference == request.reference);
        let mut table = self.table();
        if recorded {
            table
                .entry(request.reference.clone())
                .or_insert_with(|| GatewayRefund {
                    request: request.clone(),
                    state: RefundState::Pending,
                });
        }
        result.map(|mut accepted| {
            if let Some(r) = table.get(&request.reference) {
                accepted.state = r.state;
            }
            accepted
        })
    }
}
