//! The engine's payment-gateway and disburser ports over [`XenditClient`].

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use patungan_core::PaymentId;
use patungan_ports::{
    Disburser, GatewayInvoiceRequest, Invoice, PaymentGateway, PayoutBatch, PayoutBatchAccepted,
    PayoutStatus, PortError, RefundAccepted, RefundRequest, RefundState,
};

use crate::amount::IdrAmount;
use crate::client::XenditClient;
use crate::disbursement::{
    BatchDisbursementItem, BatchSubmission, CreateBatchDisbursement, DisbursementStatus,
    XenditDisbursement,
};
use crate::error::{XenditError, PROVIDER};
use crate::invoice::{
    CreateInvoice, CreateInvoiceItem, InvoiceCustomer, InvoiceStatus, XenditInvoice,
};
use crate::refund::{CreateRefund, XenditRefundStatus};

/// Where "now" comes from (for the invoice duration Xendit wants).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Xendit as the engine's [`PaymentGateway`] and [`Disburser`].
///
/// Every write is idempotent: invoices are keyed by the payment id (an invoice already
/// created under it is returned), refunds by their reference, batches by their reference,
/// each also sent as `X-IDEMPOTENCY-KEY`.
#[derive(Clone)]
pub struct XenditGateway {
    client: XenditClient,
    clock: Clock,
}

impl fmt::Debug for XenditGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("XenditGateway")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

fn system_now() -> DateTime<Utc> {
    DateTime::<Utc>::from(SystemTime::now())
}

fn permanent(operation: &'static str, code: &str, message: impl Into<String>) -> PortError {
    PortError::permanent(PROVIDER, operation, code, message)
}

/// The failure code reported for a `FAILED` disbursement that carries none.
const UNKNOWN_FAILURE: &str = "UNKNOWN";

/// Our payout's status from the disbursements Xendit holds under its external id:
/// completed if one completed, else pending if one is pending (or in a status this
/// adapter does not know), else failed with the first one's code; none: not found.
fn payout_status_of(found: &[XenditDisbursement]) -> PayoutStatus {
    let has = |status| found.iter().any(|d| d.status == status);
    if has(DisbursementStatus::Completed) {
        return PayoutStatus::Completed;
    }
    if has(DisbursementStatus::Pending) || has(DisbursementStatus::Unknown) {
        return PayoutStatus::Pending;
    }
    match found.first() {
        None => PayoutStatus::NotFound,
        Some(failed) => PayoutStatus::Failed {
            failure_code: failed
                .failure_code
                .clone()
                .unwrap_or_else(|| UNKNOWN_FAILURE.to_owned()),
        },
    }
}

fn to_invoice(invoice: XenditInvoice) -> Invoice {
    Invoice {
        provider_invoice_id: invoice.id,
        url: invoice.invoice_url,
        expires_at: invoice.expiry_date,
    }
}

impl XenditGateway {
    /// The ports over `client`, with the system clock.
    pub fn new(client: XenditClient) -> Self {
        XenditGateway {
            client,
            clock: Arc::new(system_now),
        }
    }

    /// Replaces the clock (tests pin "now" to get a known `invoice_duration`).
    pub fn with_clock(mut self, clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The underlying client.
    pub fn client(&self) -> &XenditClient {
        &self.client
    }

    /// The `POST /v2/invoices` body for an engine request, at the clock's "now".
    pub fn invoice_body(
        &self,
        request: &GatewayInvoiceRequest,
    ) -> Result<CreateInvoice, XenditError> {
        let now = (self.clock)();
        let seconds = (request.expires_at - now).num_seconds();
        let invoice_duration = u64::try_from(seconds)
            .ok()
            .filter(|s| *s > 0)
            .ok_or_else(|| {
                XenditError::InvalidRequest(format!(
                    "the invoice would expire at {} which is not after now ({now})",
                    request.expires_at
                ))
            })?;
        let items = request
            .items
            .iter()
            .map(|item| {
                Ok(CreateInvoiceItem {
                    name: item.name.clone(),
                    quantity: item.quantity,
                    price: IdrAmount::from_money(&item.unit_price)?,
                })
            })
            .collect::<Result<Vec<_>, XenditError>>()?;
        Ok(CreateInvoice {
            external_id: request.payment_id.to_string(),
            amount: IdrAmount::from_money(&request.amount)?,
            payer_email: request.payer.email.clone(),
            description: request.description.clone(),
            invoice_duration,
            currency: "IDR".to_owned(),
            items,
            customer: Some(InvoiceCustomer {
                reference_id: Some(request.payer.user_id.to_string()),
                given_names: request.payer.name.clone(),
                email: request.payer.email.clone(),
            }),
            metadata: request.metadata.clone(),
        })
    }

    /// The invoices Xendit holds under our payment id, most useful first (unpaid or paid
    /// before expired).
    async fn invoices_of(&self, payment_id: PaymentId) -> Result<Vec<XenditInvoice>, XenditError> {
        let external_id = payment_id.to_string();
        let mut found: Vec<XenditInvoice> = self
            .client
            .find_invoices(&external_id)
            .await?
            .into_iter()
            .filter(|i| i.external_id == external_id)
            .collect();
        found.sort_by_key(|i| i.status == InvoiceStatus::Expired);
        Ok(found)
    }

    async fn expire_one(&self, invoice_id: &str) -> Result<(), PortError> {
        const OP: &str = "expire_invoice";
        match self.client.expire_invoice(invoice_id).await {
            Ok(_) => Ok(()),
            Err(error) => {
                // Expiring an expired invoice succeeds; a paid one cannot be expired.
                match self.client.get_invoice(invoice_id).await {
                    Ok(i) if i.status == InvoiceStatus::Expired => Ok(()),
                    Ok(i) if i.status.is_paid() => Err(permanent(
                        OP,
                        "INVOICE_ALREADY_PAID",
                        format!("invoice {invoice_id} is already paid"),
                    )),
                    _ => Err(error.into_port_error(OP)),
                }
            }
        }
    }
}

#[async_trait]
impl PaymentGateway for XenditGateway {
    async fn create_invoice(&self, request: &GatewayInvoiceRequest) -> Result<Invoice, PortError> {
        const OP: &str = "create_invoice";
        let body = self
            .invoice_body(request)
            .map_err(|e| e.into_port_error(OP))?;
        // A retry after a lost answer finds the invoice the first attempt created.
        let existing = self
            .invoices_of(request.payment_id)
            .await
            .map_err(|e| e.into_port_error(OP))?;
        if let Some(invoice) = existing.into_iter().next() {
            return Ok(to_invoice(invoice));
        }
        let key = body.external_id.clone();
        self.client
            .create_invoice(&body, Some(&key))
            .await
            .map(to_invoice)
            .map_err(|e| e.into_port_error(OP))
    }

    async fn expire_invoice(
        &self,
        payment_id: PaymentId,
        provider_invoice_id: Option<&str>,
    ) -> Result<(), PortError> {
        const OP: &str = "expire_invoice";
        if let Some(id) = provider_invoice_id {
            return self.expire_one(id).await;
        }
        let invoices = self
            .invoices_of(payment_id)
            .await
            .map_err(|e| e.into_port_error(OP))?;
        if let Some(paid) = invoices.iter().find(|i| i.status.is_paid()) {
            return Err(permanent(
                OP,
                "INVOICE_ALREADY_PAID",
                format!("invoice {} is already paid", paid.id),
            ));
        }
        for invoice in invoices
            .iter()
            .filter(|i| i.status == InvoiceStatus::Pending)
        {
            self.expire_one(&invoice.id).await?;
        }
        Ok(())
    }

    async fn refund(&self, request: &RefundRequest) -> Result<RefundAccepted, PortError> {
        const OP: &str = "refund";
        let amount = IdrAmount::from_money(&request.amount)
            .map_err(|e| XenditError::from(e).into_port_error(OP))?;
        let invoice_id = match &request.provider_invoice_id {
            Some(id) => id.clone(),
            None => self
                .invoices_of(request.payment_id)
                .await
                .map_err(|e| e.into_port_error(OP))?
                .into_iter()
                .find(|i| i.status.is_paid())
                .map(|i| i.id)
                .ok_or_else(|| {
                    permanent(
                        OP,
                        "INVOICE_NOT_FOUND",
                        format!("no paid invoice for payment {}", request.payment_id),
                    )
                })?,
        };
        let body = CreateRefund {
            invoice_id: Some(invoice_id),
            payment_request_id: None,
            reference_id: request.reference.clone(),
            amount,
            currency: "IDR".to_owned(),
            reason: request.reason.into(),
        };
        let refund = self
            .client
            .create_refund(&body, &request.reference)
            .await
            .map_err(|e| e.into_port_error(OP))?;
        let state = match refund.status {
            XenditRefundStatus::Succeeded => RefundState::Succeeded,
            XenditRefundStatus::Failed | XenditRefundStatus::Cancelled => RefundState::Failed,
            XenditRefundStatus::Pending | XenditRefundStatus::Unknown => RefundState::Pending,
        };
        Ok(RefundAccepted {
            provider_refund_id: refund.id,
            state,
        })
    }
}

#[async_trait]
impl Disburser for XenditGateway {
    /// Submits the batch with its reference as `X-IDEMPOTENCY-KEY`. When Xendit reports
    /// the batch as already submitted it returns no id; `provider_batch_id` is then our
    /// reference.
    async fn submit_batch(&self, batch: &PayoutBatch) -> Result<PayoutBatchAccepted, PortError> {
        const OP: &str = "submit_batch";
        if batch.items.is_empty() {
            return Err(permanent(
                OP,
                "EMPTY_BATCH",
                "a batch needs at least one payout",
            ));
        }
        let disbursements = batch
            .items
            .iter()
            .map(|item| {
                Ok(BatchDisbursementItem {
                    amount: IdrAmount::from_money(&item.amount)?,
                    bank_code: item.bank_account.bank_code.to_string(),
                    bank_account_name: item.bank_account.holder_name.to_string(),
                    bank_account_number: item.bank_account.account_number.to_string(),
                    description: item.description.clone(),
                    external_id: item.external_id.clone(),
                })
            })
            .collect::<Result<Vec<_>, XenditError>>()
            .map_err(|e| e.into_port_error(OP))?;
        let body = CreateBatchDisbursement {
            reference: batch.reference.clone(),
            disbursements,
        };
        match self
            .client
            .create_batch_disbursement(&body, &batch.reference)
            .await
            .map_err(|e| e.into_port_error(OP))?
        {
            BatchSubmission::Created(created) => Ok(PayoutBatchAccepted {
                provider_batch_id: created.id,
            }),
            BatchSubmission::AlreadySubmitted { reference } => Ok(PayoutBatchAccepted {
                provider_batch_id: reference,
            }),
        }
    }

    /// `GET /disbursements?external_id=`: Xendit's `PENDING`, `COMPLETED` and `FAILED`
    /// (with its `failure_code`); an empty list (or a 404) means not found.
    async fn payout_status(&self, external_id: &str) -> Result<PayoutStatus, PortError> {
        const OP: &str = "payout_status";
        let found: Vec<XenditDisbursement> = self
            .client
            .find_disbursements(external_id)
            .await
            .map_err(|e| e.into_port_error(OP))?
            .into_iter()
            .filter(|d| d.external_id == external_id)
            .collect();
        Ok(payout_status_of(&found))
    }
}
