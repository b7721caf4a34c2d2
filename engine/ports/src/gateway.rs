//! The payment gateway port: invoices that shoppers pay, and refunds.

use async_trait::async_trait;
use patungan_core::PaymentId;

use crate::error::PortError;

pub use patungan_core::tasks::gateway::{
    GatewayInvoiceRequest, GatewayRefundReason, Invoice, InvoiceItem, Payer, RefundAccepted,
    RefundRequest, RefundState,
};

/// A payment gateway (Xendit, or the in-memory simulation).
///
/// Every call carries our own id as the idempotency key: repeating a call after a
/// timeout must not charge, expire or refund twice.
#[async_trait]
pub trait PaymentGateway: Send + Sync {
    /// Creates an invoice; repeating it for the same `payment_id` returns the same invoice.
    async fn create_invoice(&self, request: &GatewayInvoiceRequest) -> Result<Invoice, PortError>;

    /// Expires an unpaid invoice; expiring an expired one succeeds.
    async fn expire_invoice(
        &self,
        payment_id: PaymentId,
        provider_invoice_id: Option<&str>,
    ) -> Result<(), PortError>;

    /// Refunds (part of) a paid invoice; repeating it for the same reference does nothing more.
    async fn refund(&self, request: &RefundRequest) -> Result<RefundAccepted, PortError>;
}
